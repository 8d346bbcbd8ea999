import { Box, Text } from "@saleor/macaw-ui";
import { useEffect, type ReactNode } from "react";
import { Link, useLocation } from "react-router-dom";
import { useQuery } from "urql";

import { OrderSubscriptionsQuery } from "../../api/detail";
import { requestErrors } from "../../api/errors";
import { useNotify } from "../../bridge/hooks";
import { launchParam } from "../../bridge/launch";
import type { MessageId } from "../../i18n/messages";
import { useT } from "../../i18n/useT";
import { TimeZoneProvider, useZonedDates } from "../../ui/dates";
import { useInteractiveMark } from "../../ui/interactive";
import { Empty, ErrorState, Loading } from "../../ui/states";
import { Table, TBody, TD, TH, THead, TR } from "../../ui/table";
import { money } from "../subscriptions/format";

/** An order's popup (`ORDER_DETAILS_MORE_ACTIONS`; a widget from 3.22): the subscriptions this Saleor order
 * started (its sign-up) or renewed, each opening its page. */
export function OrderPage() {
  return (
    <TimeZoneProvider>
      <OrderView orderId={launchParam("orderId", useLocation().search) ?? launchParam("orderId")} />
    </TimeZoneProvider>
  );
}

function OrderView({ orderId }: { orderId: string | null }) {
  const t = useT();
  const location = useLocation();
  const notify = useNotify();
  const dates = useZonedDates();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: OrderSubscriptionsQuery,
    variables: { order: orderId ?? "" },
    pause: !orderId,
  });
  useInteractiveMark(Boolean(data || error || !orderId));
  useEffect(() => {
    if (error) {
      notify.error(t("errors.api"), requestErrors(error));
    }
  }, [error, notify, t]);
  let body: ReactNode;
  const rows = data?.subscriptions.edges.map((edge) => edge.node) ?? [];
  if (!orderId) {
    body = <Empty>{t("order.missing")}</Empty>;
  } else if (fetching && !data) {
    body = <Loading />;
  } else if (error && !data) {
    body = (
      <ErrorState
        message={requestErrors(error)[0]?.message ?? ""}
        onRetry={() => refetch({ requestPolicy: "network-only" })}
      />
    );
  } else if (rows.length === 0) {
    body = <Empty>{t("order.none")}</Empty>;
  } else {
    body = (
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
          {rows.map((row) => {
            const renewal = row.saleorOrders?.find((order) => order.id === orderId && order.billingReason !== "signup");
            return (
              <TR key={row.id} data-subscription={row.number ?? row.id}>
                <TD>
                  <Link
                    to={`/subscriptions/${encodeURIComponent(row.id)}`}
                    state={{ back: `${location.pathname}${location.search}` }}
                    data-open-subscription
                  >
                    {t("order.open", { number: row.number ?? "" })}
                  </Link>
                  <Text size={2} display="block">
                    {renewal ? t("order.renewed") : t("order.started")}
                  </Text>
                </TD>
                <TD>{row.plan.name}</TD>
                <TD>{t(`status.${row.status}` as MessageId)}</TD>
                <TD>{row.amount ? money(row.amount, row.currency) : t("subs.channelPrice")}</TD>
                <TD>{dates.moment(row.nextBillingAt)}</TD>
              </TR>
            );
          })}
        </TBody>
      </Table>
    );
  }
  return (
    <Box display="flex" flexDirection="column" gap={4} padding={6} data-page="order">
      <Text as="h1" size={8} fontWeight="bold">
        {t("order.title")}
      </Text>
      {body}
    </Box>
  );
}
