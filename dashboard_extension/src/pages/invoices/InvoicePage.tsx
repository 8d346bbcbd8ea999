import { Box, Button, Text } from "@saleor/macaw-ui";
import { ArrowLeft, ExternalLink, FileText } from "lucide-react";
import { useEffect, useState, type ReactNode } from "react";
import { Link, useLocation, useParams } from "react-router-dom";
import { useQuery } from "urql";

import { requestErrors } from "../../api/errors";
import { InvoiceDetailQuery } from "../../api/invoices";
import { useNotify, useRedirect } from "../../bridge/hooks";
import type { InvoiceDetailQuery as Detail } from "../../gql/graphql";
import { useT } from "../../i18n/useT";
import { AppNav } from "../../ui/AppNav";
import { useInteractiveMark } from "../../ui/interactive";
import { Empty, ErrorState, Loading, Section } from "../../ui/states";
import { money, useDates } from "../subscriptions/format";
import { invoiceActionsOf, type InvoiceActionKind } from "./actions";
import { CreditNotesSection, LinesSection, PaymentsSection, RefundsSection } from "./invoiceSections";
import { InvoiceActionDialog } from "./InvoiceActionDialog";

export type InvoiceDetail = NonNullable<Detail["invoice"]>;

/** An invoice: its figures, lines, payments, refunds, credit notes, PDF and the actions its state allows. */
export function InvoicePage() {
  const t = useT();
  const { id = "" } = useParams();
  const location = useLocation();
  const listSearch = (location.state as { list?: string } | null)?.list ?? "";
  const [{ data, fetching, error }, refetch] = useQuery({ query: InvoiceDetailQuery, variables: { id } });
  const [action, setAction] = useState<InvoiceActionKind | null>(null);
  const notify = useNotify();
  useInteractiveMark(Boolean(data || error));
  useEffect(() => {
    if (error) {
      notify.error(t("errors.api"), requestErrors(error));
    }
  }, [error, notify, t]);

  let body: ReactNode;
  if (fetching && !data) {
    body = <Loading />;
  } else if (error && !data?.invoice) {
    body = (
      <ErrorState
        message={requestErrors(error)[0]?.message ?? ""}
        onRetry={() => refetch({ requestPolicy: "network-only" })}
      />
    );
  } else if (!data?.invoice) {
    body = <Empty>{t("inv.notFound")}</Empty>;
  } else {
    const invoice = data.invoice;
    const done = () => {
      setAction(null);
      refetch({ requestPolicy: "network-only" });
    };
    const actions = invoiceActionsOf(invoice.status, invoice.refundable);
    body = (
      <>
        <Header invoice={invoice} />
        <Summary invoice={invoice} />
        <Section title={t("sub.actions")} data-section="actions">
          {actions.length === 0 ? (
            <Text>{t("inv.noActions")}</Text>
          ) : (
            <Box display="flex" gap={2} flexWrap="wrap">
              {actions.map((kind) => (
                <Button key={kind} variant="secondary" data-action={kind} onClick={() => setAction(kind)}>
                  {t(`inv.act.${kind}`)}
                </Button>
              ))}
            </Box>
          )}
          {action && (
            <InvoiceActionDialog
              key={action}
              kind={action}
              invoice={{
                id: invoice.id,
                number: invoice.number ?? "",
                currency: invoice.currency,
                amountDue: invoice.amountDue,
                refundable: invoice.refundable,
              }}
              onDone={done}
              onClose={() => setAction(null)}
            />
          )}
        </Section>
        <LinesSection invoice={invoice} />
        <PaymentsSection invoice={invoice} />
        <RefundsSection invoice={invoice} />
        <CreditNotesSection invoice={invoice} />
      </>
    );
  }
  return (
    <Box display="flex" flexDirection="column" gap={5} padding={6} data-page="invoice">
      <AppNav />
      <Link to={`/invoices${listSearch}`} data-action="back">
        <Box display="inline-flex" alignItems="center" gap={1}>
          <ArrowLeft size={16} aria-hidden="true" />
          {t("inv.back")}
        </Box>
      </Link>
      {body}
    </Box>
  );
}

function Header({ invoice }: { invoice: InvoiceDetail }) {
  const t = useT();
  const redirect = useRedirect();
  return (
    <Box display="flex" flexDirection="column" gap={2} data-header>
      <Box display="flex" gap={3} alignItems="center" flexWrap="wrap">
        <Text as="h1" size={8} fontWeight="bold">
          {t("inv.heading", { number: invoice.number ?? t("sub.inv.draft") })}
        </Text>
        <Text
          data-status={invoice.status}
          paddingX={2}
          paddingY={1}
          borderRadius={3}
          borderWidth={1}
          borderStyle="solid"
          borderColor="default1"
        >
          {t(`invoice.${invoice.status}`)}
        </Text>
      </Box>
      <Box display="flex" gap={3} alignItems="center" flexWrap="wrap">
        <Text data-customer>
          {invoice.customerName ? `${invoice.customerName} · ` : ""}
          {invoice.customerEmail}
        </Text>
        <Link to={`/subscriptions/${encodeURIComponent(invoice.subscriptionId)}`} data-action="open-subscription">
          {t("inv.subscription", { number: invoice.subscriptionNumber })}
        </Link>
        {invoice.documentUrl && (
          <a href={invoice.documentUrl} target="_blank" rel="noreferrer" data-action="pdf">
            <Box display="inline-flex" alignItems="center" gap={1}>
              <FileText size={16} aria-hidden="true" />
              {t("inv.pdf")}
            </Box>
          </a>
        )}
        {invoice.saleorOrderId && (
          <Button
            variant="tertiary"
            data-action="open-order"
            onClick={() => redirect(`/orders/${encodeURIComponent(invoice.saleorOrderId)}`)}
          >
            <ExternalLink size={16} aria-hidden="true" />
            {t("inv.openOrder")}
          </Button>
        )}
      </Box>
      {invoice.orderProblem && (
        <Text color="critical1" data-order-problem>
          {t("inv.orderProblem", { problem: invoice.orderProblem })}
        </Text>
      )}
    </Box>
  );
}

function Summary({ invoice }: { invoice: InvoiceDetail }) {
  const t = useT();
  const dates = useDates();
  const m = (amount: string) => money(amount, invoice.currency);
  const rows: [string, string, string][] = [
    ["period", t("sub.inv.period"), `${dates.day(invoice.periodStart)} – ${dates.day(invoice.periodEnd)}`],
    ["reason", t("inv.billingReason"), invoice.billingReason],
    ["channel", t("subs.channel"), invoice.channel],
    ["subtotal", t("inv.subtotal"), m(invoice.subtotal)],
    ["tax", t("inv.tax"), m(invoice.tax)],
    ["total", t("sub.inv.total"), m(invoice.total)],
    ["creditApplied", t("inv.creditApplied"), m(invoice.creditApplied)],
    ["amountDue", t("inv.col.amountDue"), m(invoice.amountDue)],
    ["amountPaid", t("inv.amountPaid"), m(invoice.amountPaid)],
    ["refundable", t("inv.refundable"), m(invoice.refundable)],
    ["due", t("sub.inv.due"), dates.moment(invoice.dueAt)],
  ];
  if (invoice.issuedAt) {
    rows.push(["issued", t("inv.issued"), dates.moment(invoice.issuedAt)]);
  }
  if (invoice.paidAt) {
    rows.push(["paid", t("inv.paid"), dates.moment(invoice.paidAt)]);
  }
  return (
    <Section title={t("sub.summary")} data-section="summary">
      <Box as="dl" display="grid" gap={2} style={{ gridTemplateColumns: "max-content 1fr" }}>
        {rows.map(([key, label, value]) => (
          <Box key={key} display="contents">
            <Box as="dt">
              <Text>{label}</Text>
            </Box>
            <Box as="dd" margin={0}>
              <Text data-figure={key}>{value}</Text>
            </Box>
          </Box>
        ))}
      </Box>
    </Section>
  );
}
