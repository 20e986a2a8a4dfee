import { Field, InputType, Int, ObjectType } from "type-graphql";

// Per-tenant policies. Stored as JSON on the tenant; every value has a default here, so a
// new setting needs no migration and an old tenant reads the default.

export interface TenantSettingsValues {
  campaignHeader: string;
  softBounceLimit: number;
  softBounceWindowDays: number;
  minSendsForZone: number;
  autoPause: boolean;
}

export const DEFAULT_TENANT_SETTINGS: TenantSettingsValues = {
  campaignHeader: "X-Rebound-Campaign",
  softBounceLimit: 3,
  softBounceWindowDays: 7,
  minSendsForZone: 100,
  autoPause: false,
};

@ObjectType("TenantSettings", { description: "Policies that tune classification, suppression and alerts for a tenant." })
export class TenantSettings implements TenantSettingsValues {
  @Field(() => String, {
    description: "Header your sender sets on every message (e.g. X-Rebound-Campaign: <campaign id>), read back from bounces to find the campaign.",
  })
  campaignHeader: string;

  @Field(() => Int, { description: "Soft bounces within softBounceWindowDays that suppress an address." })
  softBounceLimit: number;

  @Field(() => Int, { description: "Window, in days, over which soft bounces are counted." })
  softBounceWindowDays: number;

  @Field(() => Int, { description: "Sends below which a benchmark zone is INSUFFICIENT_DATA." })
  minSendsForZone: number;

  @Field(() => Boolean, { description: "Pause a campaign automatically when it enters the BLOCKING zone." })
  autoPause: boolean;

  static from(raw: Partial<TenantSettingsValues> | null | undefined): TenantSettings {
    return Object.assign(new TenantSettings(), DEFAULT_TENANT_SETTINGS, raw ?? {});
  }
}

@InputType("TenantSettingsInput", { description: "Settings to change; omitted fields keep their value." })
export class TenantSettingsInput implements Partial<TenantSettingsValues> {
  @Field(() => String, { nullable: true, description: "Header name starting with X-, e.g. X-Rebound-Campaign." })
  campaignHeader?: string;

  @Field(() => Int, { nullable: true, description: "1 to 100." })
  softBounceLimit?: number;

  @Field(() => Int, { nullable: true, description: "1 to 365." })
  softBounceWindowDays?: number;

  @Field(() => Int, { nullable: true, description: "1 to 1,000,000." })
  minSendsForZone?: number;

  @Field(() => Boolean, { nullable: true, description: "Pause campaigns automatically on BLOCKING." })
  autoPause?: boolean;
}

