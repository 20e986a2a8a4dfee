// What the campaign module offers the rest of the system: other modules import these from here,
// never its files (a lint rule holds them to it).
export { Campaign } from "./campaign.entity";
export { CAMPAIGN_STATUSES } from "./campaign.entity";
export type { CampaignStatus } from "./campaign.entity";
export { campaignOf, campaignService } from "./campaign.service";
export { campaignById, inboxesByCampaign } from "./campaign.service";
export { CAMPAIGN_PAGE_READERS, campaignPageSql } from "./campaign.pages";
export type { CampaignPageReader, CampaignPageRequest, CampaignPageStatement } from "./campaign.pages";
