import { type MigrationInterface, type QueryRunner } from "typeorm";

// ESP webhook endpoints: one per tenant and vendor account, addressed by its id in the URL
// (/webhooks/<provider>/<id>). The route looks an endpoint up by id before the tenant is
// known, in the system context, like API keys by hash: hence the system_read policy for
// the login role. Vendor secrets live in "secrets" and never leave through the API.
//
// webhook_replay_tokens is the durable Mailgun replay guard: a signature token is stored in
// the same transaction as its events, so it is remembered exactly when they are committed.
export class CreateWebhookEndpoints1764300001300 implements MigrationInterface {
  name = "CreateWebhookEndpoints1764300001300";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_endpoints (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        provider text NOT NULL,
        name text,
        campaign_id uuid,
        inbox_id uuid,
        settings jsonb NOT NULL DEFAULT '{}',
        secrets jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT webhook_endpoints_pkey PRIMARY KEY (tenant_id, id),
        CONSTRAINT webhook_endpoints_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
        CONSTRAINT webhook_endpoints_campaign_fkey FOREIGN KEY (tenant_id, campaign_id)
          REFERENCES campaigns (tenant_id, id) ON DELETE SET NULL (campaign_id),
        CONSTRAINT webhook_endpoints_inbox_fkey FOREIGN KEY (tenant_id, inbox_id)
          REFERENCES inboxes (tenant_id, id) ON DELETE SET NULL (inbox_id),
        CONSTRAINT webhook_endpoints_provider_valid CHECK (provider IN ('SES', 'SENDGRID', 'MAILGUN', 'POSTMARK')),
        CONSTRAINT webhook_endpoints_name_length CHECK (char_length(name) <= 200)
      );
      CREATE INDEX webhook_endpoints_id_idx ON webhook_endpoints (id);
      CREATE INDEX webhook_endpoints_tenant_created_idx ON webhook_endpoints (tenant_id, created_at, id);
      SELECT rebound_protect_tenant_table('webhook_endpoints');
      DO $$ BEGIN
        EXECUTE format('CREATE POLICY system_read ON webhook_endpoints FOR SELECT TO %I USING (true)', current_user);
      END $$;

      CREATE TABLE webhook_replay_tokens (
        tenant_id uuid NOT NULL,
        provider text NOT NULL,
        token text NOT NULL,
        endpoint_id uuid NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT webhook_replay_tokens_pkey PRIMARY KEY (tenant_id, provider, token),
        CONSTRAINT webhook_replay_tokens_endpoint_fkey FOREIGN KEY (tenant_id, endpoint_id)
          REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE,
        CONSTRAINT webhook_replay_tokens_token_length CHECK (char_length(token) BETWEEN 1 AND 512)
      );
      CREATE INDEX webhook_replay_tokens_tenant_created_idx ON webhook_replay_tokens (tenant_id, created_at);
      CREATE INDEX webhook_replay_tokens_tenant_endpoint_idx ON webhook_replay_tokens (tenant_id, endpoint_id);
      SELECT rebound_protect_tenant_table('webhook_replay_tokens');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_replay_tokens; DROP TABLE webhook_endpoints;`);
  }
}
