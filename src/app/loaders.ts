import DataLoader from "dataloader";
import type { RequestContext } from "../platform/context";
import type { Campaign } from "../modules/campaign/campaign.entity";
import { campaignService } from "../modules/campaign/campaign.service";
import type { Domain } from "../modules/domain/domain.entity";
import { domainService } from "../modules/domain/domain.service";
import type { Inbox } from "../modules/inbox/inbox.entity";
import { inboxService } from "../modules/inbox/inbox.service";

// Per-request DataLoaders for every relation a list can expand, so a page of 50 campaigns
// with their domain and inboxes costs the same few statements as a page of 5.

function byUuid<T extends { uuid: string }>(rows: T[], keys: readonly string[]): Array<T | null> {
  const map = new Map(rows.map((r) => [r.uuid, r]));
  return keys.map((k) => map.get(k) ?? null);
}

/** The rows a loadMany found (an error is rethrown, never taken for "absent"). */
export function loadedRows<T>(rows: Array<T | null | Error>): T[] {
  return rows.filter((x): x is T => {
    if (x instanceof Error) throw x;
    return x !== null;
  });
}

export function createLoaders(ctx: RequestContext) {
  return {
    domainById: new DataLoader<string, Domain | null>(async (keys) => byUuid(await domainService.findByIds(ctx, keys), keys)),
    inboxById: new DataLoader<string, Inbox | null>(async (keys) => byUuid(await inboxService.findByIds(ctx, keys), keys)),
    campaignById: new DataLoader<string, Campaign | null>(async (keys) => byUuid(await campaignService.findByIds(ctx, keys), keys)),
    inboxesByCampaign: new DataLoader<string, Inbox[]>(async (keys) => {
      const map = await campaignService.inboxesOf(ctx, keys);
      return keys.map((k) => map.get(k) ?? []);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
