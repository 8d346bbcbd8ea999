"""The triggers that record events out in the transaction of the change (see `outbound_events.models`).

`outbound_record(installation, type, data)` writes the event (evt_…) and one pending delivery per active
endpoint of the installation that takes the type (an endpoint with no types takes every type); when no
endpoint takes it, nothing is written. Ids in `data`
are the API's global ids (base64 of "Type:<id>"); amounts are decimal strings without trailing zeros.
"""

from django.db import migrations

from saleor_subscriptions.postgres_sql import postgres_only

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION outbound_gid(kind text, pk bigint) RETURNS text AS $$
  SELECT CASE WHEN pk IS NULL THEN NULL ELSE encode(convert_to(kind || ':' || pk::text, 'UTF8'), 'base64') END
$$ LANGUAGE sql IMMUTABLE;

CREATE OR REPLACE FUNCTION outbound_amount(value numeric) RETURNS text AS $$
  SELECT trim_scale(value)::text
$$ LANGUAGE sql IMMUTABLE;

CREATE OR REPLACE FUNCTION outbound_wanted(installation bigint) RETURNS boolean AS $$
  SELECT EXISTS (
    SELECT 1 FROM outbound_events_webhookendpoint e WHERE e.installation_id = installation AND e.is_active
  )
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION outbound_record(installation bigint, event_type text, payload jsonb)
RETURNS void AS $$
DECLARE
  event_id bigint;
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM outbound_events_webhookendpoint e
    WHERE e.installation_id = installation AND e.is_active
      AND (e.event_types = '[]'::jsonb OR e.event_types ? event_type)
  ) THEN
    RETURN;
  END IF;
  INSERT INTO outbound_events_outboundevent (installation_id, public_id, type, created_at, data)
  VALUES (installation, 'evt_' || replace(gen_random_uuid()::text, '-', ''), event_type, now(), payload)
  RETURNING id INTO event_id;
  INSERT INTO outbound_events_eventdelivery
    (event_id, endpoint_id, status, attempts, next_attempt_at, created_at, completed_at)
  SELECT event_id, e.id, 'pending', 0, now(), now(), NULL
  FROM outbound_events_webhookendpoint e
  WHERE e.installation_id = installation AND e.is_active
    AND (e.event_types = '[]'::jsonb OR e.event_types ? event_type);
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION outbound_invoice_data(i invoicing_invoice, previous text) RETURNS jsonb AS $$
  SELECT jsonb_build_object(
    'object', 'invoice',
    'id', outbound_gid('Invoice', i.id),
    'number', i.number,
    'status', i.status,
    'previous_status', previous,
    'subscription', outbound_gid('Subscription', i.subscription_id),
    'billing_reason', i.billing_reason,
    'currency', i.currency,
    'total', outbound_amount(i.total),
    'amount_due', outbound_amount(i.amount_due),
    'amount_paid', outbound_amount(i.amount_paid),
    'period_start', i.period_start,
    'period_end', i.period_end,
    'due_at', i.due_at,
    'paid_at', i.paid_at
  )
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION outbound_subscription_data(pk bigint) RETURNS jsonb AS $$
  SELECT jsonb_build_object(
    'status', s.status,
    'plan', outbound_gid('Plan', v.plan_id),
    'plan_version', v.version,
    'quantity', s.quantity,
    'customer_email', s.customer_email,
    'customer_user_id', NULLIF(s.customer_user_id, ''),
    'channel', s.channel_slug,
    'currency', s.currency,
    'current_period_start', s.current_period_start,
    'current_period_end', s.current_period_end,
    'next_billing_at', s.next_billing_at,
    'cancel_at_period_end', s.cancel_at_period_end
  )
  FROM subscriptions_subscription s JOIN catalog_planversion v ON v.id = s.plan_version_id
  WHERE s.id = pk
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION outbound_subscription_event() RETURNS trigger AS $$
DECLARE
  event_type text;
  invoice_id bigint;
BEGIN
  IF NOT outbound_wanted(NEW.installation_id) THEN
    RETURN NULL;
  END IF;
  event_type := CASE NEW.kind
    WHEN 'start' THEN 'subscription.created'
    WHEN 'start_trial' THEN 'subscription.activated'
    WHEN 'activate' THEN 'subscription.activated'
    WHEN 'mark_past_due' THEN 'subscription.past_due'
    WHEN 'suspend' THEN 'subscription.suspended'
    WHEN 'cancel_now' THEN 'subscription.cancelled'
    WHEN 'finish_cancellation' THEN 'subscription.cancelled'
    WHEN 'cancel_for_nonpayment' THEN 'subscription.cancelled'
    WHEN 'lapse' THEN 'subscription.cancelled'
    WHEN 'expire' THEN 'subscription.expired'
    WHEN 'switch_plan' THEN 'subscription.changed'
    WHEN 'change_quantity' THEN 'subscription.changed'
    WHEN 'pending_change_applied' THEN 'subscription.changed'
    WHEN 'pause' THEN 'subscription.changed'
    WHEN 'resume' THEN 'subscription.changed'
    WHEN 'skip' THEN 'subscription.changed'
    WHEN 'cancel_at_period_end' THEN 'subscription.changed'
    WHEN 'undo_cancel' THEN 'subscription.changed'
    WHEN 'reactivate' THEN 'subscription.changed'
    WHEN 'settle' THEN 'subscription.changed'
    ELSE NULL
  END;
  IF NEW.kind = 'invoiced' AND jsonb_typeof(NEW.data -> 'invoice') = 'number' THEN
    invoice_id := (NEW.data ->> 'invoice')::bigint;
    IF EXISTS (SELECT 1 FROM invoicing_invoice WHERE id = invoice_id AND billing_reason = 'renewal') THEN
      event_type := 'subscription.renewed';
    END IF;
  END IF;
  IF event_type IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM outbound_record(NEW.installation_id, event_type, jsonb_build_object(
    'object', 'subscription',
    'id', outbound_gid('Subscription', NEW.subscription_id),
    'event', NEW.kind,
    'from_status', NULLIF(NEW.from_status, ''),
    'to_status', NULLIF(NEW.to_status, ''),
    'actor', NEW.actor_type,
    'reason', NEW.reason,
    'at', NEW.at,
    'invoice', outbound_gid('Invoice', invoice_id)
  ) || COALESCE(outbound_subscription_data(NEW.subscription_id), '{}'::jsonb));
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION outbound_invoice() RETURNS trigger AS $$
DECLARE
  previous text := CASE WHEN TG_OP = 'UPDATE' THEN OLD.status ELSE NULL END;
BEGIN
  IF NOT outbound_wanted(NEW.installation_id) THEN
    RETURN NULL;
  END IF;
  IF NEW.status = 'draft' OR NEW.status IS NOT DISTINCT FROM previous THEN
    RETURN NULL;
  END IF;
  IF previous IS NULL OR previous = 'draft' THEN
    PERFORM outbound_record(NEW.installation_id, 'invoice.created', outbound_invoice_data(NEW, previous));
  END IF;
  IF NEW.status = 'paid' THEN
    PERFORM outbound_record(NEW.installation_id, 'invoice.paid', outbound_invoice_data(NEW, previous));
  ELSIF NEW.status = 'void' THEN
    PERFORM outbound_record(NEW.installation_id, 'invoice.voided', outbound_invoice_data(NEW, previous));
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION outbound_payment_failed() RETURNS trigger AS $$
DECLARE
  i invoicing_invoice;
BEGIN
  IF NOT outbound_wanted(NEW.installation_id) THEN
    RETURN NULL;
  END IF;
  SELECT * INTO i FROM invoicing_invoice WHERE id = NEW.invoice_id;
  PERFORM outbound_record(
    NEW.installation_id,
    'invoice.payment_failed',
    outbound_invoice_data(i, NULL) - 'previous_status' || jsonb_build_object('payment', jsonb_build_object(
      'attempt', NEW.number,
      'status', NEW.status,
      'decline_code', NULLIF(NEW.decline_code, ''),
      'amount', outbound_amount(NEW.amount),
      'reference', NULLIF(NEW.reference, '')
    ))
  );
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION outbound_credit_note() RETURNS trigger AS $$
BEGIN
  IF NOT outbound_wanted(NEW.installation_id) THEN
    RETURN NULL;
  END IF;
  PERFORM outbound_record(NEW.installation_id, 'credit_note.issued', jsonb_build_object(
    'object', 'credit_note',
    'id', outbound_gid('CreditNote', NEW.id),
    'number', NEW.number,
    'subscription', outbound_gid('Subscription', NEW.subscription_id),
    'invoice', outbound_gid('Invoice', NEW.invoice_id),
    'currency', NEW.currency,
    'amount', outbound_amount(NEW.amount),
    'reason', NEW.reason
  ));
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER outbound_subscription_event AFTER INSERT ON subscriptions_subscriptionevent
  FOR EACH ROW EXECUTE FUNCTION outbound_subscription_event();
CREATE TRIGGER outbound_invoice_insert AFTER INSERT ON invoicing_invoice
  FOR EACH ROW EXECUTE FUNCTION outbound_invoice();
CREATE TRIGGER outbound_invoice_status AFTER UPDATE OF status ON invoicing_invoice
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION outbound_invoice();
CREATE TRIGGER outbound_payment_failed AFTER UPDATE OF status ON renewals_paymentattempt
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                     AND NEW.status IN ('declined', 'amount_refused', 'failed'))
  EXECUTE FUNCTION outbound_payment_failed();
CREATE TRIGGER outbound_credit_note AFTER INSERT ON invoicing_creditnote
  FOR EACH ROW EXECUTE FUNCTION outbound_credit_note();
"""

DROP = r"""
DROP TRIGGER IF EXISTS outbound_subscription_event ON subscriptions_subscriptionevent;
DROP TRIGGER IF EXISTS outbound_invoice_insert ON invoicing_invoice;
DROP TRIGGER IF EXISTS outbound_invoice_status ON invoicing_invoice;
DROP TRIGGER IF EXISTS outbound_payment_failed ON renewals_paymentattempt;
DROP TRIGGER IF EXISTS outbound_credit_note ON invoicing_creditnote;
DROP FUNCTION IF EXISTS outbound_subscription_event();
DROP FUNCTION IF EXISTS outbound_invoice();
DROP FUNCTION IF EXISTS outbound_payment_failed();
DROP FUNCTION IF EXISTS outbound_credit_note();
DROP FUNCTION IF EXISTS outbound_wanted(bigint);
DROP FUNCTION IF EXISTS outbound_invoice_data(invoicing_invoice, text);
DROP FUNCTION IF EXISTS outbound_subscription_data(bigint);
DROP FUNCTION IF EXISTS outbound_record(bigint, text, jsonb);
DROP FUNCTION IF EXISTS outbound_amount(numeric);
DROP FUNCTION IF EXISTS outbound_gid(text, bigint);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("outbound_events", "0001_initial"),
        ("subscriptions", "0006_renewal_reminded_for"),
        ("invoicing", "0005_invoice_line_target"),
        ("renewals", "0003_attempt_amount_refused"),
        ("catalog", "0002_plan_version_renewal_reminder_days"),
    ]

    operations = [postgres_only(FUNCTIONS, DROP)]
