import { Column, Entity, UpdateDateColumn } from "typeorm";
import { Field, ObjectType } from "type-graphql";
import { Node } from "../../platform/graphql/node";
import { TenantRecord } from "../../platform/db/tenant-record";

@Entity({ name: "domains" })
@ObjectType("Domain", {
  implements: Node,
  description: "A sending domain of the tenant (the domain in the From address of its campaigns).",
})
export class Domain extends TenantRecord implements Node {
  @Field(() => String, { description: "The domain name, lower-case ASCII (IDNs in punycode), e.g. acme-mail.com." })
  @Column({ type: "text" })
  name: string;

  @Field(() => Date, {
    nullable: true,
    description: "When the domain was registered, for its age: under 14 days it is not ready for outreach.",
  })
  @Column({ type: "timestamptz", name: "registered_at", nullable: true })
  registeredAt: Date | null;

  @Field(() => Date, { description: "When the domain was last changed." })
  @UpdateDateColumn({ type: "timestamptz", name: "updated_at" })
  updatedAt: Date;
}
