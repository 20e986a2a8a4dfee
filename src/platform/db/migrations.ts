// Every migration, in order. Listed explicitly (not globbed) so the same list works under
// tsx, vitest and any bundler.
import { CreateAppRole1764300000000 } from "../../../migrations/1764300000000-create-app-role";
import { CreateTenants1764300000100 } from "../../../migrations/1764300000100-create-tenants";
import { CreateApiKeys1764300000200 } from "../../../migrations/1764300000200-create-api-keys";
import { CreateDomains1764300000300 } from "../../../migrations/1764300000300-create-domains";
import { CreateInboxes1764300000400 } from "../../../migrations/1764300000400-create-inboxes";
import { CreateCampaigns1764300000500 } from "../../../migrations/1764300000500-create-campaigns";
import { CreateCampaignInboxes1764300000600 } from "../../../migrations/1764300000600-create-campaign-inboxes";
import { CreateBounceEvents1764300000700 } from "../../../migrations/1764300000700-create-bounce-events";
import { CreateDeliveryCounters1764300001000 } from "../../../migrations/1764300001000-create-delivery-counters";
import { CreateIdempotencyKeys1764300001100 } from "../../../migrations/1764300001100-create-idempotency-keys";
import { CreateSuppressions1764300001200 } from "../../../migrations/1764300001200-create-suppressions";
import { CreateWebhookEndpoints1764300001300 } from "../../../migrations/1764300001300-create-webhook-endpoints";
import { CreateAlerts1764300002000 } from "../../../migrations/1764300002000-create-alerts";
import { CreateAlertStates1764300002100 } from "../../../migrations/1764300002100-create-alert-states";
import { CreateDomainAudits1764300003000 } from "../../../migrations/1764300003000-create-domain-audits";
import { CreateDomainAuthSettings1764300003100 } from "../../../migrations/1764300003100-create-domain-auth-settings";
import { CreateInboxAlignment1764300003200 } from "../../../migrations/1764300003200-create-inbox-alignment";
import { CreateCampaignRecipientChecks1764300003300 } from "../../../migrations/1764300003300-create-campaign-recipient-checks";
import { CreateCampaignDeliveryTotals1764300004000 } from "../../../migrations/1764300004000-create-campaign-delivery-totals";
import { StoreDomainAuditSummaries1764300008000 } from "../../../migrations/1764300008000-store-domain-audit-summaries";
import { IndexCampaignsByDomainAndAge1764300004100 } from "../../../migrations/1764300004100-index-campaigns-by-domain-and-age";
import { CreateWebhookSubscriptions1764300005000 } from "../../../migrations/1764300005000-create-webhook-subscriptions";
import { IndexListFilters1764300006000 } from "../../../migrations/1764300006000-index-list-filters";
import { CreateDeliveryCountersHourly1764300006100 } from "../../../migrations/1764300006100-create-delivery-counters-hourly";
import { CreateTenantUsage1764300007000 } from "../../../migrations/1764300007000-create-tenant-usage";
import { IndexDeliveryCountersByDay1764300007200 } from "../../../migrations/1764300007200-index-delivery-counters-by-day";
import { CreateWebhookJobQueue1764300009000 } from "../../../migrations/1764300009000-create-webhook-job-queue";
import { OrderAndFilterCampaigns1764300010000 } from "../../../migrations/1764300010000-order-and-filter-campaigns";

export const MIGRATIONS = [
  CreateAppRole1764300000000,
  CreateTenants1764300000100,
  CreateApiKeys1764300000200,
  CreateDomains1764300000300,
  CreateInboxes1764300000400,
  CreateCampaigns1764300000500,
  CreateCampaignInboxes1764300000600,
  CreateBounceEvents1764300000700,
  CreateDeliveryCounters1764300001000,
  CreateIdempotencyKeys1764300001100,
  CreateSuppressions1764300001200,
  CreateWebhookEndpoints1764300001300,
  CreateAlerts1764300002000,
  CreateAlertStates1764300002100,
  CreateDomainAudits1764300003000,
  CreateDomainAuthSettings1764300003100,
  CreateInboxAlignment1764300003200,
  CreateCampaignRecipientChecks1764300003300,
  CreateCampaignDeliveryTotals1764300004000,
  IndexCampaignsByDomainAndAge1764300004100,
  CreateWebhookSubscriptions1764300005000,
  IndexListFilters1764300006000,
  CreateDeliveryCountersHourly1764300006100,
  CreateTenantUsage1764300007000,
  IndexDeliveryCountersByDay1764300007200,
  StoreDomainAuditSummaries1764300008000,
  CreateWebhookJobQueue1764300009000,
  OrderAndFilterCampaigns1764300010000,
];
