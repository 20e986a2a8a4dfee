import type { CampaignPageReader } from "../campaign";
import { healthLoaders } from "./health-loaders";

// Plugged into the campaign list (CAMPAIGN_PAGE_READERS, wired in src/app/wiring.ts): a page of
// campaigns whose health the operation shows is read together with that health, in one
// statement (HealthLoaders.page), before graphql-js resolves the campaigns' fields. The page
// and its health cost one round trip instead of two, and the health fields are answered
// from memory (HealthLoaders.pagedHealth, pagedReadiness) instead of each returning a promise that waits for a
// batch: no per-field state sits alive across the database round trip, which under load is
// what the garbage collector copied and promoted.

/** Campaign fields answered from the lifetime totals; `readiness` needs the checklist's facts too. */
const TOTALS_FIELDS = ["stats", "benchmarks", "zone"];

export const campaignHealthPages: CampaignPageReader = {
  read(ctx, page) {
    const readiness = page.fields.has("readiness");
    if (!readiness && !TOTALS_FIELDS.some((f) => page.fields.has(f))) return null;
    return healthLoaders(ctx).page(page, readiness);
  },
};
