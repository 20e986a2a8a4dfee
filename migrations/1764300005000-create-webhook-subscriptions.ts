import { type MigrationInterface, type QueryRunner } from "typeorm";

// Outgoing webhooks. A subscription is a tenant's endpoint with the events it wants; its
// signing secrets are stored encrypted (HMAC signing needs the secret itself, so it cannot be
// hashed). webhook_deliveries is both the record of every message and the durable queue: a
// row is inserted in the same transaction as the event that causes it, and any server process
// claims due rows with FOR UPDATE SKIP LOCKED, pushing next_attempt_at forward as a lease, so
// a process that dies mid-attempt leaves the row due again once the lease runs out. Claims
// run across tenants as the login role (the system_worker policies); everything else goes
// through the tenant wall. Each attempt is a row keyed by its number: an attempt is made
// once, whatever the number of processes.
export class CreateWebhookSubscriptions1764300005000 implements MigrationInterface {
  name = "CreateWebhookSubscriptions1764300005000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_subscriptions (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        url text NOT NULL,
        events text[] NOT NULL,
        campaign_id uuid,
        description text,
        status text NOT NULL DEFAULT 'ACTIVE',
        disabled_reason text,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_expires_at timestamptz(3),
        failing_since timestamptz(3),
        last_succeeded_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT webhook_subscriptions_pkey PRIMARY KEY (tenant_id, id),
        CONSTRAINT webhook_subscriptions_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
        CONSTRAINT webhook_subscriptions_campaign_fkey FOREIGN KEY (tenant_id, campaign_id)
          REFERENCES campaigns (tenant_id, id) ON DELETE CASCADE,
        CONSTRAINT webhook_subscriptions_status_valid CHECK (status IN ('ACTIVE', 'PAUSED', 'DISABLED')),
        CONSTRAINT webhook_subscriptions_events_nonempty CHECK (cardinality(events) > 0),
        CONSTRAINT webhook_subscriptions_url_length CHECK (char_length(url) <= 2048),
        CONSTRAINT webhook_subscriptions_description_length CHECK (char_length(description) <= 500)
      );
      CREATE INDEX webhook_subscriptions_tenant_created_idx ON webhook_subscriptions (tenant_id, created_at, id);
      SELECT rebound_protect_tenant_table('webhook_subscriptions');
      DO $$ BEGIN
        EXECUTE format('CREATE POLICY system_worker ON webhook_subscriptions FOR SELECT TO %I USING (true)', current_user);
      END $$;

      CREATE TABLE webhook_deliveries (
        tenant_id uuid NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        subscription_id uuid NOT NULL,
        event_type text NOT NULL,
        body text NOT NULL,
        status text NOT NULL DEFAULT 'PENDING',
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz(3) NOT NULL DEFAULT now(),
        retry_since timestamptz(3) NOT NULL DEFAULT now(),
        delivered_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT webhook_deliveries_pkey PRIMARY KEY (tenant_id, id),
        CONSTRAINT webhook_deliveries_subscription_fkey FOREIGN KEY (tenant_id, subscription_id)
          REFERENCES webhook_subscriptions (tenant_id, id) ON DELETE CASCADE,
        CONSTRAINT webhook_deliveries_status_valid CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED'))
      );
      CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING';
      CREATE INDEX webhook_deliveries_subscription_created_idx
        ON webhook_deliveries (tenant_id, subscription_id, created_at, id);
      SELECT rebound_protect_tenant_table('webhook_deliveries');
      DO $$ BEGIN
        EXECUTE format('CREATE POLICY system_worker ON webhook_deliveries FOR ALL TO %I USING (true) WITH CHECK (true)', current_user);
      END $$;

      CREATE TABLE webhook_delivery_attempts (
        tenant_id uuid NOT NULL,
        delivery_id uuid NOT NULL,
        attempt integer NOT NULL,
        attempted_at timestamptz(3) NOT NULL,
        http_status integer,
        latency_ms integer NOT NULL,
        error text,
        CONSTRAINT webhook_delivery_attempts_pkey PRIMARY KEY (tenant_id, delivery_id, attempt),
        CONSTRAINT webhook_delivery_attempts_delivery_fkey FOREIGN KEY (tenant_id, delivery_id)
          REFERENCES webhook_deliveries (tenant_id, id) ON DELETE CASCADE
      );
      SELECT rebound_protect_tenant_table('webhook_delivery_attempts');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP TABLE webhook_delivery_attempts; DROP TABLE webhook_deliveries; DROP TABLE webhook_subscriptions;`,
    );
  }
}
