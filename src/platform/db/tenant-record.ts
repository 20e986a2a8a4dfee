import { CreateDateColumn, PrimaryColumn } from "typeorm";
import { Field, ID, ObjectType } from "type-graphql";
import { toGlobalId } from "../graphql/global-id";

/**
 * Columns every tenant-owned row shares: the tenant in the primary key (what lets the schema
 * be distributed by tenant), the row's uuid, and its creation time (the keyset order of lists).
 * GraphQL sees only the opaque global id, never the raw uuid or tenant.
 */
@ObjectType()
export abstract class TenantRecord {
  @PrimaryColumn({ type: "uuid", name: "tenant_id" })
  tenantId: string;

  @PrimaryColumn({ type: "uuid", name: "id", default: () => "gen_random_uuid()" })
  uuid: string;

  @Field(() => ID, { description: "Opaque global id. Treat it as an opaque string." })
  get id(): string {
    return toGlobalId(this.constructor.name, this.uuid);
  }

  @Field(() => Date, { description: "When the object was created." })
  @CreateDateColumn({ type: "timestamptz", name: "created_at" })
  createdAt: Date;
}
