import { Box, Text } from "@saleor/macaw-ui";
import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type ReactNode } from "react";
import { useLocation, useNavigate } from "react-router-dom";
import { useQuery } from "urql";

import { requestErrors } from "../../api/errors";
import { SubscriptionReportQuery } from "../../api/reports";
import { useNotify } from "../../bridge/hooks";
import { useBridge } from "../../bridge/state";
import { useT } from "../../i18n/useT";
import { fetchChannels, type SaleorChannel } from "../../saleor/product";
import { AppNav } from "../../ui/AppNav";
import { DateField, SelectField } from "../../ui/fields";
import { useInteractiveMark } from "../../ui/interactive";
import { Empty, ErrorState, Loading, Section } from "../../ui/states";
import type { ChartKind } from "./ReportCharts";
import {
  GRANULARITIES,
  headline,
  parseReportState,
  percent,
  reportStateQuery,
  reportVariables,
  scopesOf,
  type Report,
  type ReportState,
} from "./reportState";
import { FigureTable, type Column } from "./FigureTable";

// The charts (recharts) are a chunk of their own, loaded after the figures are on screen.
const ReportChart = lazy(() => import("./ReportCharts"));

function useReportState(): [ReportState, (next: ReportState) => void] {
  const location = useLocation();
  const navigate = useNavigate();
  const today = useMemo(() => new Date(), []);
  const state = useMemo(() => parseReportState(location.search, today), [location.search, today]);
  const { pathname } = location;
  const set = useCallback(
    (next: ReportState) => navigate({ pathname, search: reportStateQuery(next, today) }, { replace: false }),
    [navigate, pathname, today],
  );
  return [state, set];
}

/** Reports: MRR and ARR with their movements, subscriptions and trials, churn, recovery, upcoming revenue
 * and revenue by plan, per channel or currency (docs/dashboard.md, docs/reports.md). */
export function ReportsPage() {
  const t = useT();
  const [state, setState] = useReportState();
  const { state: bridge } = useBridge();
  const [channels, setChannels] = useState<SaleorChannel[] | null>(null);
  useEffect(() => {
    if (bridge?.token && bridge.saleorApiUrl) {
      fetchChannels(bridge.saleorApiUrl, bridge.token).then(setChannels, () => setChannels([]));
    }
  }, [bridge?.token, bridge?.saleorApiUrl]);
  const scopes = useMemo(() => scopesOf(channels ?? []), [channels]);
  // Without a scope in the URL, the first currency of the shop's channels (replacing the entry: no extra back).
  const navigate = useNavigate();
  const location = useLocation();
  useEffect(() => {
    const first = scopes[0];
    if (!state.scope && first) {
      const search = reportStateQuery({ ...state, scope: first.value }, new Date());
      navigate({ pathname: location.pathname, search }, { replace: true });
    }
  }, [state, scopes, navigate, location.pathname]);

  return (
    <Box display="flex" flexDirection="column" gap={5} padding={6} data-page="reports">
      <AppNav />
      <Text as="h1" size={8} fontWeight="bold">
        {t("rep.title")}
      </Text>
      <Box display="flex" gap={4} flexWrap="wrap" alignItems="flex-end" data-filters>
        <SelectField label={t("rep.scope")} name="scope" value={state.scope} onChange={(scope) => setState({ ...state, scope })}>
          {!state.scope && <option value="">{t("rep.chooseScope")}</option>}
          {state.scope && !scopes.some((s) => s.value === state.scope) && (
            <option value={state.scope}>
              {state.scope.startsWith("currency:")
                ? t("rep.scope.currency", { currency: state.scope.slice("currency:".length) })
                : state.scope.slice("channel:".length)}
            </option>
          )}
          {scopes.map((s) => (
            <option key={s.value} value={s.value}>
              {s.channel ? t("rep.scope.channel", { channel: s.channel, currency: s.currency }) : t("rep.scope.currency", { currency: s.currency })}
            </option>
          ))}
        </SelectField>
        <DateField label={t("rep.from")} name="from" value={state.from} onChange={(from) => from && setState({ ...state, from })} />
        <DateField label={t("rep.to")} name="to" value={state.to} onChange={(to) => to && setState({ ...state, to })} />
        <SelectField
          label={t("rep.granularity")}
          name="granularity"
          value={state.granularity}
          onChange={(g) => setState({ ...state, granularity: g as ReportState["granularity"] })}
        >
          {GRANULARITIES.map((g) => (
            <option key={g} value={g}>
              {t(`rep.by.${g}`)}
            </option>
          ))}
        </SelectField>
      </Box>
      {state.scope ? <Figures state={state} /> : channels === null ? <Loading /> : <Empty>{t("rep.noScope")}</Empty>}
    </Box>
  );
}

function Figures({ state }: { state: ReportState }) {
  const t = useT();
  const notify = useNotify();
  const variables = reportVariables(state);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: SubscriptionReportQuery,
    variables: variables ?? { from: state.from, to: state.to },
    pause: variables === null,
  });
  const answered = data?.subscriptionReport.errors;
  const refused = useMemo(() => answered ?? [], [answered]);
  useInteractiveMark(Boolean(data || error));
  useEffect(() => {
    if (error) {
      notify.error(t("errors.api"), requestErrors(error));
    }
  }, [error, notify, t]);
  useEffect(() => {
    if (refused.length > 0) {
      notify.error(t("rep.refused"), refused);
    }
  }, [refused, notify, t]);

  if (fetching && !data) {
    return <Loading />;
  }
  if (error && !data) {
    return (
      <ErrorState message={requestErrors(error)[0]?.message ?? ""} onRetry={() => refetch({ requestPolicy: "network-only" })} />
    );
  }
  const report = data?.subscriptionReport.report;
  if (!report) {
    return (
      <ErrorState
        message={refused.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join("; ") || t("rep.none")}
      />
    );
  }
  if (report.buckets.length === 0) {
    return <Empty>{t("rep.empty")}</Empty>;
  }
  return <ReportView report={report} />;
}

function Chart({ kind, report }: { kind: ChartKind; report: Report }) {
  return (
    <Suspense fallback={<Box style={{ height: 260 }} data-chart-loading />}>
      <ReportChart kind={kind} report={report} />
    </Suspense>
  );
}

function Part({ id, title, chart, children }: { id: string; title: string; chart: ReactNode; children: ReactNode }) {
  return (
    <Section title={title} data-section={id}>
      <Box display="grid" gap={4} style={{ gridTemplateColumns: "repeat(auto-fit, minmax(320px, 1fr))" }}>
        <Box>{chart}</Box>
        <Box overflowX="auto" tabIndex={0} role="region" aria-label={title}>
          {children}
        </Box>
      </Box>
    </Section>
  );
}

export function ReportView({ report }: { report: Report }) {
  const t = useT();
  const top = headline(report);
  const m = (amount: string) => `${amount} ${report.currency}`;
  const cards: [string, string, string][] = [
    ["mrr", t("rep.mrr"), m(top.mrr)],
    ["arr", t("rep.arr"), m(top.arr)],
    ["active", t("rep.active"), String(top.active)],
    ["trialing", t("rep.trialing"), String(top.trialing)],
    ["conversion", t("rep.conversionRate"), percent(top.conversionRate)],
    ["churned", t("rep.churned"), String(top.churned)],
    ["recovery", t("rep.recoveryRate"), percent(top.recoveryRate)],
    ["upcoming30", t("rep.upcoming30"), m(top.upcoming30)],
  ];
  const buckets = report.buckets;
  const periodColumn: Column<(typeof buckets)[number]> = { key: "period", label: t("rep.period"), value: (b) => b.start };
  return (
    <Box display="flex" flexDirection="column" gap={5} data-report={report.currency}>
      <Text size={2}>{t("rep.zone", { zone: report.timeZone, currency: report.currency })}</Text>
      <Box as="dl" display="grid" gap={3} style={{ gridTemplateColumns: "repeat(auto-fit, minmax(160px, 1fr))" }} data-headline>
        {cards.map(([key, label, value]) => (
          <Box key={key} padding={3} borderWidth={1} borderStyle="solid" borderColor="default1" borderRadius={4}>
            <Box as="dt">
              <Text size={2}>{label}</Text>
            </Box>
            <Box as="dd" margin={0}>
              <Text size={6} fontWeight="bold" data-headline-figure={key}>
                {value}
              </Text>
            </Box>
          </Box>
        ))}
      </Box>
      <Part id="mrr" title={t("rep.section.mrr")} chart={<Chart kind="mrr" report={report} />}>
        <FigureTable
          rows={buckets}
          columns={[
            periodColumn,
            { key: "openingMrr", label: t("rep.openingMrr"), value: (b) => b.openingMrr },
            { key: "mrr", label: t("rep.mrr"), value: (b) => b.mrr },
            { key: "arr", label: t("rep.arr"), value: (b) => b.arr },
          ]}
        />
      </Part>
      <Part id="movements" title={t("rep.section.movements")} chart={<Chart kind="movements" report={report} />}>
        <FigureTable
          rows={buckets}
          columns={[
            periodColumn,
            ...(["new", "expansion", "contraction", "churnVoluntary", "churnNonpayment", "reactivation", "net"] as const).map(
              (key) => ({ key, label: t(`rep.mov.${key}`), value: (b: (typeof buckets)[number]) => b.movements[key] }),
            ),
          ]}
        />
      </Part>
      <Part id="subscriptions" title={t("rep.section.subscriptions")} chart={<Chart kind="subscriptions" report={report} />}>
        <FigureTable
          rows={buckets}
          columns={[
            periodColumn,
            { key: "active", label: t("rep.active"), value: (b) => String(b.activeSubscriptions) },
            { key: "new", label: t("rep.newSubscriptions"), value: (b) => String(b.newSubscriptions) },
            { key: "trialing", label: t("rep.trialing"), value: (b) => String(b.trials.trialing) },
            { key: "trialsStarted", label: t("rep.trialsStarted"), value: (b) => String(b.trials.started) },
            { key: "converted", label: t("rep.converted"), value: (b) => `${b.trials.converted} / ${b.trials.ended}` },
            { key: "conversionRate", label: t("rep.conversionRate"), value: (b) => percent(b.trials.conversionRate) },
            {
              key: "churned",
              label: t("rep.churnedSplit"),
              value: (b) => `${b.churnedSubscriptions.voluntary} / ${b.churnedSubscriptions.nonpayment}`,
            },
            { key: "churnRate", label: t("rep.churnRate"), value: (b) => percent(b.churnedSubscriptions.rate) },
          ]}
        />
      </Part>
      <Part id="recovery" title={t("rep.section.recovery")} chart={<Chart kind="recovery" report={report} />}>
        <FigureTable
          rows={buckets}
          columns={[
            periodColumn,
            { key: "failed", label: t("rep.failedInvoices"), value: (b) => String(b.paymentRecovery.failedInvoices) },
            { key: "failedAmount", label: t("rep.failedAmount"), value: (b) => b.paymentRecovery.failedAmount },
            { key: "recovered", label: t("rep.recoveredInvoices"), value: (b) => String(b.paymentRecovery.recoveredInvoices) },
            { key: "recoveredAmount", label: t("rep.recoveredAmount"), value: (b) => b.paymentRecovery.recoveredAmount },
            { key: "recoveryRate", label: t("rep.recoveryRate"), value: (b) => percent(b.paymentRecovery.rate) },
          ]}
        />
      </Part>
      <Part id="upcoming" title={t("rep.section.upcoming")} chart={<Chart kind="upcoming" report={report} />}>
        <FigureTable
          rows={report.upcomingRevenue}
          columns={[
            { key: "days", label: t("rep.within"), value: (u) => t("rep.days", { days: u.days }) },
            { key: "renewals", label: t("rep.renewals"), value: (u) => u.renewals },
            { key: "openInvoices", label: t("rep.openInvoices"), value: (u) => u.openInvoices },
            { key: "total", label: t("rep.total"), value: (u) => u.total },
          ]}
        />
      </Part>
      <Part id="plans" title={t("rep.section.plans")} chart={<Chart kind="plans" report={report} />}>
        {report.revenueByPlan.length === 0 ? (
          <Text>{t("rep.noRevenue")}</Text>
        ) : (
          <FigureTable
            rows={report.revenueByPlan}
            columns={[
              { key: "plan", label: t("rep.plan"), value: (p) => p.planName },
              { key: "invoices", label: t("rep.invoices"), value: (p) => String(p.invoices) },
              { key: "amount", label: t("rep.revenue"), value: (p) => p.amount },
            ]}
          />
        )}
      </Part>
    </Box>
  );
}
