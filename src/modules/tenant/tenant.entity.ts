import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from "typeorm";
import { Field, ID, ObjectType } from "type-graphql";
import { Node } from "../../platform/graphql/node";
import { toGlobalId } from "../../platform/graphql/global-id";
import { TenantSettings, type TenantSettingsValues } from "./tenant-settings";

@Entity({ name: "tenants" })
@ObjectType("Tenant", {
  implements: Node,
  description: "A customer of Rebound: one cold-email product or one workspace of it.",
})
export class Tenant implements Node {
  @PrimaryColumn({ type: "uuid", name: "id" })
  uuid: string;

  @Field(() => ID, { description: "Opaque global id of the tenant." })
  get id(): string {
    return toGlobalId("Tenant", this.uuid);
  }

  @Field(() => String, { description: "Display name." })
  @Column({ type: "text" })
  name: string;

  @Column({ type: "jsonb", name: "settings", default: {} })
  rawSettings: Partial<TenantSettingsValues>;

  @Field(() => TenantSettings, {
    description: "Policies that tune classification, suppression and alerts for this tenant.",
  })
  get settings(): TenantSettings {
    return TenantSettings.from(this.rawSettings);
  }

  @Field(() => Date, { description: "When the tenant was created." })
  @CreateDateColumn({ type: "timestamptz", name: "created_at" })
  createdAt: Date;

  @UpdateDateColumn({ type: "timestamptz", name: "updated_at" })
  updatedAt: Date;
}
