import { Box, Button, Text } from "@saleor/macaw-ui";
import { ArrowLeft, ExternalLink } from "lucide-react";
import { useEffect, useState, type ReactNode } from "react";
import { Link, useLocation, useParams } from "react-router-dom";
import { useQuery } from "urql";

import { requestErrors } from "../../api/errors";
import { SubscriptionDetailQuery } from "../../api/subscriptions";
import { useNotify, useRedirect } from "../../bridge/hooks";
import type { MessageId } from "../../i18n/messages";
import { useT } from "../../i18n/useT";
import { AppNav } from "../../ui/AppNav";
import { useInteractiveMark } from "../../ui/interactive";
import { Empty, ErrorState, Loading, Section } from "../../ui/states";
import { TimeZoneProvider, useZonedDates } from "../../ui/dates";
import { money } from "../subscriptions/format";
import { ActionDialog, type ActionTarget } from "./ActionDialog";
import { subscriptionActions } from "./actions";
import { RefundDialog } from "./dialogs/RefundDialog";
import type { Invoice } from "./dialogs/types";
import { MoreActions } from "./MoreActions";
import { EventsSection, InvoicesSection, OrdersSection, StandingSection, type Detail } from "./sections";

/** A subscription: summary, actions, events, invoices, orders, credit, pending changes and dunning; dates in
 * the installation's time zone. */
export function SubscriptionPage() {
  return (
    <TimeZoneProvider>
      <SubscriptionView />
    </TimeZoneProvider>
  );
}

function SubscriptionView() {
  const t = useT();
  const { id = "" } = useParams();
  const location = useLocation();
  const from = location.state as { list?: string; back?: string } | null;
  const listSearch = from?.list ?? "";
  const [{ data, fetching, error }, refetch] = useQuery({ query: SubscriptionDetailQuery, variables: { id } });
  const [target, setTarget] = useState<ActionTarget | null>(null);
  const [refunding, setRefunding] = useState<Invoice | null>(null);
  const notify = useNotify();
  useInteractiveMark(Boolean(data || error));
  useEffect(() => {
    if (error) {
      notify.error(t("errors.api"), requestErrors(error));
    }
  }, [error, notify, t]);

  const back = (
    // Opened from an order's or customer's popup: back there; else to the list as it was.
    <Link to={from?.back ?? `/subscriptions${listSearch}`} data-action="back">
      <Box display="inline-flex" alignItems="center" gap={1}>
        <ArrowLeft size={16} aria-hidden="true" />
        {from?.back ? t("act.back") : t("sub.back")}
      </Box>
    </Link>
  );
  let body: ReactNode;
  if (fetching && !data) {
    body = <Loading />;
  } else if (error && !data?.subscription) {
    body = (
      <ErrorState
        message={requestErrors(error)[0]?.message ?? ""}
        onRetry={() => refetch({ requestPolicy: "network-only" })}
      />
    );
  } else if (!data?.subscription) {
    body = <Empty>{t("sub.notFound")}</Empty>;
  } else {
    const detail = data.subscription;
    const done = () => {
      setTarget(null);
      setRefunding(null);
      refetch({ requestPolicy: "network-only" });
    };
    body = (
      <>
        <Header detail={detail} />
        <Summary detail={detail} />
        <Section title={t("sub.actions")} data-section="actions">
          <Box display="flex" gap={2} flexWrap="wrap">
            {subscriptionActions(detail.status, detail.pendingChanges?.cancelAt ?? detail.cancelAt).map((kind) => (
              <Button
                key={kind}
                variant="secondary"
                data-action={kind}
                onClick={() => setTarget({ kind, id: detail.id, number: detail.number })}
              >
                {t(`act.${kind}`)}
              </Button>
            ))}
          </Box>
          <MoreActions detail={detail} onDone={done} />
          {target && <ActionDialog key={`${target.kind}-${target.id}`} target={target} onDone={done} onClose={() => setTarget(null)} />}
        </Section>
        <StandingSection detail={detail} />
        <InvoicesSection
          invoices={detail.invoiceDetails}
          onAction={(kind, invoice) =>
            setTarget({
              kind,
              id: invoice.id,
              number: detail.number,
              invoice: { number: invoice.number ?? "", amount: money(invoice.amountDue, invoice.currency) },
            })
          }
          onRefund={setRefunding}
        />
        {refunding && (
          <RefundDialog key={refunding.id} invoice={refunding} onDone={done} onClose={() => setRefunding(null)} />
        )}
        <OrdersSection orders={detail.saleorOrders} />
        <EventsSection events={detail.events} />
      </>
    );
  }
  return (
    <Box display="flex" flexDirection="column" gap={5} padding={6} data-page="subscription">
      <AppNav />
      {back}
      {body}
    </Box>
  );
}

function Header({ detail }: { detail: Detail }) {
  const t = useT();
  const redirect = useRedirect();
  return (
    <Box display="flex" flexDirection="column" gap={2} data-header>
      <Box display="flex" gap={3} alignItems="center" flexWrap="wrap">
        <Text as="h1" size={8} fontWeight="bold">
          {t("sub.title", { number: detail.number ?? "" })}
        </Text>
        <Text
          data-status={detail.status}
          paddingX={2}
          paddingY={1}
          borderRadius={3}
          borderWidth={1}
          borderStyle="solid"
          borderColor="default1"
        >
          {t(`status.${detail.status}` as MessageId)}
        </Text>
      </Box>
      <Box display="flex" gap={3} alignItems="center" flexWrap="wrap">
        <Text data-customer>
          {detail.customerName ? `${detail.customerName} · ` : ""}
          {detail.customerEmail ?? t("subs.guest")}
        </Text>
        {detail.customerUserId && (
          <Button
            variant="tertiary"
            data-action="open-customer"
            onClick={() => redirect(`/customers/${encodeURIComponent(detail.customerUserId ?? "")}`)}
          >
            <ExternalLink size={16} aria-hidden="true" />
            {t("sub.openCustomer")}
          </Button>
        )}
      </Box>
    </Box>
  );
}

function Summary({ detail }: { detail: Detail }) {
  const t = useT();
  const dates = useZonedDates();
  const terms = detail.plan.terms;
  const unit = detail.unitPrice ?? terms.price;
  const every = t("plans.every", {
    count: terms.intervalCount,
    unit: t(`unit.${terms.interval}`),
    units: t(`units.${terms.interval}`),
  });
  const method = detail.paymentMethod;
  const rows: [string, string][] = [
    [t("sub.plan"), detail.plan.name],
    [
      t("sub.price"),
      t("sub.every", {
        price: unit ? money(unit, detail.currency) : t("subs.channelPrice"),
        quantity: detail.quantity,
        every,
      }),
    ],
    [t("sub.nextCharge"), detail.nextBillingAt ? dates.moment(detail.nextBillingAt) : t("sub.noNextCharge")],
    [t("sub.period"), `${dates.day(detail.currentPeriodStart)} – ${dates.day(detail.currentPeriodEnd)}`],
    [
      t("sub.paymentMethod"),
      method
        ? method.last4
          ? t("sub.card", { brand: method.brand ?? method.type, last4: method.last4 })
          : method.type
        : (detail.paymentMethodType ?? t("sub.noPaymentMethod")),
    ],
    [t("sub.channel"), detail.channel],
    [t("dd.timeZone"), dates.known ? dates.timeZone : t("dd.timeZoneUnknown")],
  ];
  if (detail.trialEnd) {
    rows.push([t("sub.trialEnd"), dates.day(detail.trialEnd)]);
  }
  if (detail.cancelAt) {
    rows.push([t("sub.cancelAt", { date: dates.day(detail.cancelAt) }), detail.cancelReason ?? ""]);
  }
  return (
    <Section title={t("sub.summary")} data-section="summary">
      <Box as="dl" display="grid" gap={2} style={{ gridTemplateColumns: "max-content 1fr" }}>
        {rows.map(([label, value]) => (
          <Box key={label} display="contents">
            <Box as="dt">
              <Text>{label}</Text>
            </Box>
            <Box as="dd" margin={0}>
              <Text>{value}</Text>
            </Box>
          </Box>
        ))}
      </Box>
    </Section>
  );
}
