import { Column, Entity } from "typeorm";
import { Field, ObjectType } from "type-graphql";
import { Node } from "../../platform/graphql/node";
import { TenantRecord } from "../../platform/db/tenant-record";
import { ApiKeyScopeEnum, type ApiKeyScope } from "./api-key.scopes";

@Entity({ name: "api_keys" })
@ObjectType("ApiKey", {
  implements: Node,
  description: "An API key of the tenant. The secret itself is shown only once, when created.",
})
export class ApiKey extends TenantRecord implements Node {
  @Field(() => String, { description: 'What the key is for, e.g. "sending pipeline".' })
  @Column({ type: "text" })
  name: string;

  @Field(() => String, { description: "The key's first characters, to recognise it (e.g. rbk_a1B2c3)." })
  @Column({ type: "text", name: "key_prefix" })
  prefix: string;

  @Column({ type: "text", name: "key_hash", select: false })
  keyHash: string;

  @Field(() => [ApiKeyScopeEnum], { description: "What the key may do." })
  @Column({ type: "text", array: true })
  scopes: ApiKeyScope[];

  @Field(() => Date, {
    nullable: true,
    description: "Last time the key authenticated a request (updated at most once a minute).",
  })
  @Column({ type: "timestamptz", name: "last_used_at", nullable: true })
  lastUsedAt: Date | null;

  @Field(() => Date, { nullable: true, description: "When the key was revoked; a revoked key authenticates nothing." })
  @Column({ type: "timestamptz", name: "revoked_at", nullable: true })
  revokedAt: Date | null;
}
