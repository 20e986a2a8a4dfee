import type { App, RequestContext } from "../../platform/context";
import { WITHIN_TENANT_TRANSACTION } from "../../platform/db/tenant-transaction";
import type { EspProvider } from "../../core/webhooks";
import { parseSendgridPublicKey, WebhookConfigError } from "../../core/webhooks";
import { pageOf } from "../../platform/db/keyset";
import type { Connection } from "../../platform/graphql/connection";
import { uuidOf } from "../../platform/graphql/global-id";
import { fail, userError, UserInputError, type UserError, CommonErrorCode } from "../../platform/graphql/user-error";
import { campaignService } from "../campaign";
import { inboxService } from "../inbox";
import {
  WEBHOOK_PROVIDERS,
  WebhookEndpoint,
  type WebhookEndpointSecrets,
  type WebhookEndpointSettings,
} from "./webhook-endpoint.entity";
import { WebhookErrorCode } from "./webhook.errors";

const TOPIC_ARN = /^arn:aws(?:-cn|-us-gov)?:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What the webhook route needs to authenticate and attribute one delivery. */
export interface EndpointForDelivery {
  tenantId: string;
  id: string;
  provider: EspProvider;
  campaignId: string | null;
  inboxId: string | null;
  settings: WebhookEndpointSettings;
  secrets: WebhookEndpointSecrets;
}

export interface CreateWebhookEndpointArgs {
  provider: EspProvider;
  name?: string | null;
  campaignId?: string | null;
  inboxId?: string | null;
  snsTopicArns?: string[] | null;
  sendgridPublicKey?: string | null;
  mailgunSigningKey?: string | null;
  postmarkUsername?: string | null;
  postmarkPassword?: string | null;
}

export class WebhookEndpointService {
  async create(ctx: RequestContext, input: CreateWebhookEndpointArgs): Promise<WebhookEndpoint> {
    if (!WEBHOOK_PROVIDERS.includes(input.provider))
      fail(CommonErrorCode.INVALID_PROVIDER, `provider must be one of ${WEBHOOK_PROVIDERS.join(", ")}.`, [
        "input",
        "provider",
      ]);
    const name = input.name?.trim() || null;
    if (name && name.length > 200)
      fail(CommonErrorCode.INVALID_NAME, "name must be at most 200 characters.", ["input", "name"]);

    const errors: UserError[] = [];
    const field = (f: string) => ["input", f];
    const settings: WebhookEndpointSettings = {};
    const secrets: WebhookEndpointSecrets = {};
    // Settings of another provider are refused rather than silently ignored: they say the
    // caller has the wrong provider in mind.
    const given: Record<string, unknown> = {
      snsTopicArns: input.snsTopicArns?.length ? input.snsTopicArns : null,
      sendgridPublicKey: input.sendgridPublicKey || null,
      mailgunSigningKey: input.mailgunSigningKey || null,
      postmarkUsername: input.postmarkUsername || null,
      postmarkPassword: input.postmarkPassword || null,
    };
    const own: Record<EspProvider, string[]> = {
      SES: ["snsTopicArns"],
      SENDGRID: ["sendgridPublicKey"],
      MAILGUN: ["mailgunSigningKey"],
      POSTMARK: ["postmarkUsername", "postmarkPassword"],
    };
    for (const [key, value] of Object.entries(given)) {
      if (value !== null && !own[input.provider].includes(key)) {
        errors.push(
          userError(
            WebhookErrorCode.NOT_FOR_PROVIDER,
            `${key} does not apply to ${input.provider} endpoints.`,
            field(key),
          ),
        );
      }
    }
    switch (input.provider) {
      case "SES": {
        const arns = [...new Set((input.snsTopicArns ?? []).map((a) => a.trim()))];
        if (arns.length === 0)
          errors.push(
            userError(
              WebhookErrorCode.REQUIRED,
              "SES endpoints need at least one SNS TopicArn to accept.",
              field("snsTopicArns"),
            ),
          );
        if (arns.length > 20)
          errors.push(
            userError(WebhookErrorCode.TOO_MANY_TOPICS, "At most 20 TopicArns per endpoint.", field("snsTopicArns")),
          );
        arns.forEach((arn, i) => {
          if (!TOPIC_ARN.test(arn))
            errors.push(
              userError(WebhookErrorCode.INVALID_TOPIC_ARN, `"${arn.slice(0, 100)}" is not an SNS TopicArn.`, [
                "input",
                "snsTopicArns",
                String(i),
              ]),
            );
        });
        settings.allowedTopicArns = arns;
        break;
      }
      case "SENDGRID": {
        const key = input.sendgridPublicKey?.trim() ?? "";
        if (!key)
          errors.push(
            userError(
              WebhookErrorCode.REQUIRED,
              "SendGrid endpoints need the Signed Event Webhook verification key.",
              field("sendgridPublicKey"),
            ),
          );
        else {
          try {
            parseSendgridPublicKey(key);
            settings.sendgridPublicKey = key;
          } catch (err) {
            if (!(err instanceof WebhookConfigError)) throw err;
            errors.push(userError(WebhookErrorCode.INVALID_PUBLIC_KEY, err.message, field("sendgridPublicKey")));
          }
        }
        break;
      }
      case "MAILGUN": {
        const key = input.mailgunSigningKey?.trim() ?? "";
        if (key.length < 8 || key.length > 200)
          errors.push(
            userError(
              WebhookErrorCode.INVALID_SIGNING_KEY,
              "The Mailgun signing key must be 8 to 200 characters.",
              field("mailgunSigningKey"),
            ),
          );
        secrets.mailgunSigningKey = key;
        break;
      }
      case "POSTMARK": {
        const user = input.postmarkUsername ?? "";
        const password = input.postmarkPassword ?? "";
        if (!user || user.includes(":") || user.length > 100) {
          errors.push(
            userError(
              WebhookErrorCode.INVALID_USERNAME,
              "The basic-auth user name must be 1 to 100 characters, without a colon.",
              field("postmarkUsername"),
            ),
          );
        }
        if (password.length < 16 || password.length > 200) {
          errors.push(
            userError(
              WebhookErrorCode.WEAK_PASSWORD,
              "The basic-auth password must be 16 to 200 characters.",
              field("postmarkPassword"),
            ),
          );
        }
        settings.postmarkUsername = user;
        secrets.postmarkPassword = password;
        break;
      }
    }
    if (errors.length) throw new UserInputError(errors);

    const campaign = input.campaignId
      ? await campaignService.require(ctx, uuidOf(input.campaignId, "Campaign"), field("campaignId"))
      : null;
    const inbox = input.inboxId
      ? await inboxService.require(ctx, uuidOf(input.inboxId, "Inbox"), field("inboxId"))
      : null;

    const em = await ctx.db();
    const repo = em.getRepository(WebhookEndpoint);
    return repo.save(
      repo.create({
        tenantId: ctx.tenantId,
        provider: input.provider,
        name,
        campaignId: campaign?.uuid ?? null,
        inboxId: inbox?.uuid ?? null,
        settings,
        secrets,
      }),
      WITHIN_TENANT_TRANSACTION,
    );
  }

  async findById(ctx: RequestContext, uuid: string): Promise<WebhookEndpoint | null> {
    const em = await ctx.db();
    return em.getRepository(WebhookEndpoint).findOne({ where: { tenantId: ctx.tenantId, uuid } });
  }

  async list(
    ctx: RequestContext,
    args: { first: number; after?: string | null },
  ): Promise<Connection<WebhookEndpoint>> {
    const em = await ctx.db();
    const qb = em
      .getRepository(WebhookEndpoint)
      .createQueryBuilder("w")
      .where("w.tenant_id = :tenantId", { tenantId: ctx.tenantId });
    return pageOf(qb, "w", args);
  }

  async delete(ctx: RequestContext, uuid: string | null): Promise<WebhookEndpoint> {
    const endpoint = uuid ? await this.findById(ctx, uuid) : null;
    if (!endpoint) fail(CommonErrorCode.NOT_FOUND, "No webhook endpoint with that id.", ["input", "id"]);
    const em = await ctx.db();
    await em.query("DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2", [ctx.tenantId, endpoint.uuid]);
    return endpoint;
  }

  /**
   * The endpoint behind a webhook URL, before any tenant is known: the system context reads
   * it by id (the system_read policy), exactly as API keys are read by hash.
   */
  async findForDelivery(app: App, provider: EspProvider, id: string): Promise<EndpointForDelivery | null> {
    if (!UUID.test(id)) return null;
    const rows: Array<{
      tenant_id: string;
      id: string;
      provider: EspProvider;
      campaign_id: string | null;
      inbox_id: string | null;
      settings: WebhookEndpointSettings;
      secrets: WebhookEndpointSecrets;
    }> = await app.db.dataSource.query(
      "SELECT tenant_id, id, provider, campaign_id, inbox_id, settings, secrets FROM webhook_endpoints WHERE id = $1 AND provider = $2 LIMIT 1",
      [id, provider],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      tenantId: row.tenant_id,
      id: row.id,
      provider: row.provider,
      campaignId: row.campaign_id,
      inboxId: row.inbox_id,
      settings: row.settings ?? {},
      secrets: row.secrets ?? {},
    };
  }
}

export const webhookEndpointService = new WebhookEndpointService();
