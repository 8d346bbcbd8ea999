import { Box, Button, Text } from "@saleor/macaw-ui";
import { ExternalLink, FileText } from "lucide-react";

import { useRedirect } from "../../bridge/hooks";
import type { SubscriptionDetailQuery } from "../../gql/graphql";
import { useT } from "../../i18n/useT";
import { Empty, Section } from "../../ui/states";
import { Table, TBody, TD, TH, THead, TR } from "../../ui/table";
import { useZonedDates } from "../../ui/dates";
import { money } from "../subscriptions/format";
import { invoiceActions, type InvoiceAction } from "./actions";
import { canRefund } from "./dialogs/RefundDialog";

export type Detail = NonNullable<SubscriptionDetailQuery["subscription"]>;
type Invoice = NonNullable<Detail["invoiceDetails"]>[number];

/** The timeline, oldest first: who, when, from → to, why. */
export function EventsSection({ events }: { events: Detail["events"] }) {
  const t = useT();
  const dates = useZonedDates();
  return (
    <Section title={t("sub.events")} data-section="events">
      {!events || events.length === 0 ? (
        <Empty>{t("sub.noEvents")}</Empty>
      ) : (
        <Table>
          <THead>
            <TR>
              <TH scope="col">{t("sub.event.when")}</TH>
              <TH scope="col">{t("sub.event.who")}</TH>
              <TH scope="col">{t("sub.event.what")}</TH>
              <TH scope="col">{t("sub.event.change")}</TH>
              <TH scope="col">{t("sub.event.why")}</TH>
            </TR>
          </THead>
          <TBody>
            {events.map((event, index) => (
              <TR key={`${event.at}-${index}`} data-event={event.kind}>
                <TD>{dates.moment(event.at)}</TD>
                <TD>
                  {event.actorType}
                  {event.actorId && (
                    <Text size={2} display="block">
                      {event.actorId}
                    </Text>
                  )}
                </TD>
                <TD>
                  <code>{event.kind}</code>
                </TD>
                <TD>{event.fromStatus || event.toStatus ? `${event.fromStatus || "–"} → ${event.toStatus || "–"}` : ""}</TD>
                <TD>{event.reason}</TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </Section>
  );
}

/** Every invoice, newest first, with its PDF and the actions on an open one. */
export function InvoicesSection({
  invoices,
  onAction,
  onRefund,
}: {
  invoices: Detail["invoiceDetails"];
  onAction: (action: InvoiceAction, invoice: Invoice) => void;
  onRefund: (invoice: Invoice) => void;
}) {
  const t = useT();
  const dates = useZonedDates();
  return (
    <Section title={t("sub.invoices")} data-section="invoices">
      {!invoices || invoices.length === 0 ? (
        <Empty>{t("sub.noInvoices")}</Empty>
      ) : (
        <Table>
          <THead>
            <TR>
              <TH scope="col">{t("sub.inv.number")}</TH>
              <TH scope="col">{t("sub.inv.status")}</TH>
              <TH scope="col">{t("sub.inv.period")}</TH>
              <TH scope="col">{t("sub.inv.total")}</TH>
              <TH scope="col">{t("sub.inv.due")}</TH>
              <TH scope="col">{t("sub.inv.pdf")}</TH>
              <TH scope="col">{t("sub.actions")}</TH>
            </TR>
          </THead>
          <TBody>
            {invoices.map((invoice) => (
              <TR key={invoice.id} data-invoice={invoice.number ?? invoice.id} data-status={invoice.status}>
                <TD>{invoice.number ?? t("sub.inv.draft")}</TD>
                <TD>{t(`invoice.${invoice.status}`)}</TD>
                <TD>
                  {dates.day(invoice.periodStart)} – {dates.day(invoice.periodEnd)}
                </TD>
                <TD>{money(invoice.total, invoice.currency)}</TD>
                <TD>{dates.moment(invoice.dueAt)}</TD>
                <TD>
                  {invoice.documentUrl && (
                    <a
                      href={invoice.documentUrl}
                      target="_blank"
                      rel="noreferrer"
                      aria-label={t("sub.inv.openPdf", { number: invoice.number ?? "" })}
                      data-pdf
                    >
                      <FileText size={16} aria-hidden="true" /> PDF
                    </a>
                  )}
                </TD>
                <TD>
                  <Box display="flex" gap={2} flexWrap="wrap">
                    {invoiceActions(invoice.status).map((action) => (
                      <Button key={action} variant="secondary" size="small" data-action={action} onClick={() => onAction(action, invoice)}>
                        {t(`act.${action}`)}
                      </Button>
                    ))}
                    {canRefund(invoice) && (
                      <Button variant="secondary" size="small" data-action="refund" onClick={() => onRefund(invoice)}>
                        {t("dd.act.refund")}
                      </Button>
                    )}
                  </Box>
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </Section>
  );
}

/** The Saleor orders the subscription made, each opened in the dashboard (`Redirect` to `/orders/<id>`). */
export function OrdersSection({ orders }: { orders: Detail["saleorOrders"] }) {
  const t = useT();
  const redirect = useRedirect();
  return (
    <Section title={t("sub.orders")} data-section="orders">
      {!orders || orders.length === 0 ? (
        <Empty>{t("sub.noOrders")}</Empty>
      ) : (
        <Box as="ul" display="flex" flexDirection="column" gap={2}>
          {orders.map((order) => (
            <Box as="li" key={order.id} display="flex" gap={2} alignItems="center">
              <Button
                variant="tertiary"
                data-order={order.id}
                onClick={() => redirect(`/orders/${encodeURIComponent(order.id)}`)}
              >
                <ExternalLink size={16} aria-hidden="true" />
                {t("sub.order.open", { invoice: order.invoiceNumber ?? order.id })}
              </Button>
              <Text>{order.billingReason}</Text>
            </Box>
          ))}
        </Box>
      )}
    </Section>
  );
}

/** Credit balance, pending changes and the dunning: what will happen next. */
export function StandingSection({ detail }: { detail: Detail }) {
  const t = useT();
  const dates = useZonedDates();
  const pending = detail.pendingChanges;
  const lines: string[] = [];
  if (pending?.plan && pending.planFrom) {
    lines.push(t("sub.pending.plan", { plan: pending.plan.name, date: dates.day(pending.planFrom) }));
  }
  if (pending?.quantity) {
    lines.push(t("sub.pending.quantity", { quantity: pending.quantity }));
  }
  if (pending?.cancelAt) {
    lines.push(t("sub.pending.cancel", { date: dates.day(pending.cancelAt) }));
  }
  if (pending?.pausePeriodsRemaining) {
    lines.push(t("sub.pending.pause", { count: pending.pausePeriodsRemaining }));
  }
  if (pending && pending.skippedPeriods.length > 0) {
    lines.push(t("sub.pending.skipped", { periods: pending.skippedPeriods.join(", ") }));
  }
  const dunning = detail.dunning;
  return (
    <Box display="grid" gap={4} style={{ gridTemplateColumns: "repeat(auto-fit, minmax(260px, 1fr))" }}>
      <Section title={t("sub.credit")} data-section="credit">
        {detail.creditBalance && detail.creditBalance.length > 0 ? (
          detail.creditBalance.map((credit) => <Text key={credit.currency}>{money(credit.amount, credit.currency)}</Text>)
        ) : (
          <Text>{t("sub.noCredit")}</Text>
        )}
      </Section>
      <Section title={t("sub.pending")} data-section="pending">
        {lines.length > 0 ? (
          lines.map((line) => <Text key={line}>{line}</Text>)
        ) : (
          <Text>{t("sub.noPending")}</Text>
        )}
      </Section>
      <Section title={t("sub.dunning")} data-section="dunning">
        {dunning ? (
          <>
            <Text>{t("sub.dunning.since", { date: dates.day(dunning.pastDueSince), days: dunning.daysDone ?? 0 })}</Text>
            {dunning.nextStep && (
              <Text>
                {t("sub.dunning.next", {
                  action: dunning.nextStep.action,
                  day: dunning.nextStep.day,
                  date: dates.moment(dunning.nextStepAt),
                })}
              </Text>
            )}
            <Text size={2}>
              {t("sub.dunning.steps")}:{" "}
              {dunning.steps.map((step) => t("sub.dunning.step", { day: step.day, action: step.action })).join(" · ")}
            </Text>
          </>
        ) : (
          <Text>{t("sub.noDunning")}</Text>
        )}
      </Section>
    </Box>
  );
}
