import { Box, Text } from "@saleor/macaw-ui";
import { FileText } from "lucide-react";
import { useEffect, type ReactNode } from "react";
import { Link, useLocation } from "react-router-dom";
import { useQuery } from "urql";

import { CustomerBillingQuery } from "../../api/detail";
import { requestErrors } from "../../api/errors";
import type { CustomerBillingPopupQuery } from "../../gql/graphql";
import { useNotify } from "../../bridge/hooks";
import { launchParam } from "../../bridge/launch";
import type { MessageId } from "../../i18n/messages";
import { useT } from "../../i18n/useT";
import { TimeZoneProvider, useZonedDates } from "../../ui/dates";
import { useInteractiveMark } from "../../ui/interactive";
import { Empty, ErrorState, Loading, Section } from "../../ui/states";
import { Table, TBody, TD, TH, THead, TR } from "../../ui/table";
import { money } from "../subscriptions/format";

type Billing = CustomerBillingPopupQuery["customerBilling"];

/** A customer's popup (`CUSTOMER_DETAILS_MORE_ACTIONS`; a widget from 3.22): their subscriptions (each opening
 * its page), credit balance and invoices, from `customerBilling`. */
export function CustomerPage() {
  return (
    <TimeZoneProvider>
      <CustomerView customerId={launchParam("customerId", useLocation().search) ?? launchParam("customerId")} />
    </TimeZoneProvider>
  );
}

function CustomerView({ customerId }: { customerId: string | null }) {
  const t = useT();
  const notify = useNotify();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: CustomerBillingQuery,
    variables: { customer: customerId ?? "" },
    pause: !customerId,
  });
  useInteractiveMark(Boolean(data || error || !customerId));
  useEffect(() => {
    if (error) {
      notify.error(t("errors.api"), requestErrors(error));
    }
  }, [error, notify, t]);
  let body: ReactNode;
  if (!customerId) {
    body = <Empty>{t("customer.missing")}</Empty>;
  } else if (fetching && !data) {
    body = <Loading />;
  } else if (error && !data) {
    body = (
      <ErrorState
        message={requestErrors(error)[0]?.message ?? ""}
        onRetry={() => refetch({ requestPolicy: "network-only" })}
      />
    );
  } else if (data) {
    body = <Billing billing={data.customerBilling} />;
  }
  return (
    <Box display="flex" flexDirection="column" gap={4} padding={6} data-page="customer">
      <Text as="h1" size={8} fontWeight="bold">
        {t("customer.title")}
      </Text>
      {body}
    </Box>
  );
}

function Billing({ billing }: { billing: Billing }) {
  const t = useT();
  const location = useLocation();
  const dates = useZonedDates();
  return (
    <>
      <Section title={t("subs.title")} data-section="subscriptions">
        {billing.subscriptions.length === 0 ? (
          <Empty>{t("customer.none")}</Empty>
        ) : (
          <Table>
            <THead>
              <TR>
                <TH scope="col">{t("subs.col.number")}</TH>
                <TH scope="col">{t("subs.col.plan")}</TH>
                <TH scope="col">{t("subs.col.status")}</TH>
                <TH scope="col">{t("subs.col.amount")}</TH>
                <TH scope="col">{t("subs.col.nextBilling")}</TH>
              </TR>
            </THead>
            <TBody>
              {billing.subscriptions.map((row) => (
                <TR key={row.id} data-subscription={row.number ?? row.id}>
                  <TD>
                    <Link
                    to={`/subscriptions/${encodeURIComponent(row.id)}`}
                    state={{ back: `${location.pathname}${location.search}` }}
                    data-open-subscription
                  >
                      {t("order.open", { number: row.number ?? "" })}
                    </Link>
                  </TD>
                  <TD>{row.plan.name}</TD>
                  <TD>{t(`status.${row.status}` as MessageId)}</TD>
                  <TD>{row.amount ? money(row.amount, row.currency) : t("subs.channelPrice")}</TD>
                  <TD>{dates.moment(row.nextBillingAt)}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )}
      </Section>
      <Section title={t("customer.credit")} data-section="credit">
        {billing.creditBalance.length === 0 ? (
          <Text>{t("customer.noCredit")}</Text>
        ) : (
          billing.creditBalance.map((credit) => <Text key={credit.currency}>{money(credit.amount, credit.currency)}</Text>)
        )}
      </Section>
      <Section title={t("customer.invoices")} data-section="invoices">
        {billing.invoices.length === 0 ? (
          <Empty>{t("customer.noInvoices")}</Empty>
        ) : (
          <Table>
            <THead>
              <TR>
                <TH scope="col">{t("sub.inv.number")}</TH>
                <TH scope="col">{t("sub.inv.status")}</TH>
                <TH scope="col">{t("sub.inv.total")}</TH>
                <TH scope="col">{t("sub.inv.due")}</TH>
                <TH scope="col">{t("sub.inv.pdf")}</TH>
              </TR>
            </THead>
            <TBody>
              {billing.invoices.map((invoice) => (
                <TR key={invoice.id} data-invoice={invoice.number ?? invoice.id}>
                  <TD>{invoice.number ?? t("sub.inv.draft")}</TD>
                  <TD>{t(`invoice.${invoice.status}`)}</TD>
                  <TD>{money(invoice.total, invoice.currency)}</TD>
                  <TD>{dates.moment(invoice.dueAt)}</TD>
                  <TD>
                    {invoice.documentUrl && (
                      <a
                        href={invoice.documentUrl}
                        target="_blank"
                        rel="noreferrer"
                        aria-label={t("sub.inv.openPdf", { number: invoice.number ?? "" })}
                      >
                        <FileText size={16} aria-hidden="true" /> PDF
                      </a>
                    )}
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )}
      </Section>
    </>
  );
}
