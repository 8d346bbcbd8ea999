import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

import { useT } from "../../i18n/useT";
import { num, type Report } from "./reportState";

// The charts are hidden from assistive technology and not focusable: the table beside each has its numbers.
// recharts is in this chunk only: the reports page loads it when it is opened, after its tables.

export type ChartKind = "mrr" | "movements" | "subscriptions" | "recovery" | "upcoming" | "plans";

const COLORS = {
  mrr: "#2f6fed",
  arr: "#8a5cf6",
  new: "#1f9d55",
  expansion: "#38c172",
  reactivation: "#0ea5e9",
  contraction: "#f59e0b",
  churnVoluntary: "#e3342f",
  churnNonpayment: "#9f1239",
  active: "#2f6fed",
  trialing: "#a855f7",
  failed: "#e3342f",
  recovered: "#1f9d55",
  open: "#f59e0b",
  renewals: "#2f6fed",
  revenue: "#2f6fed",
};

const AXIS = { stroke: "currentColor", fontSize: 12 };

/** One chart of a report; the page shows its numbers in a table beside it. */
export default function ReportChart({ kind, report }: { kind: ChartKind; report: Report }) {
  const t = useT();
  const buckets = report.buckets.map((b) => ({
    label: b.start,
    mrr: num(b.mrr),
    arr: num(b.arr),
    new: num(b.movements.new),
    expansion: num(b.movements.expansion),
    reactivation: num(b.movements.reactivation),
    contraction: num(b.movements.contraction),
    churnVoluntary: num(b.movements.churnVoluntary),
    churnNonpayment: num(b.movements.churnNonpayment),
    active: b.activeSubscriptions,
    trialing: b.trials.trialing,
    failed: num(b.paymentRecovery.failedAmount),
    recovered: num(b.paymentRecovery.recoveredAmount),
  }));
  const chart = (() => {
    switch (kind) {
      case "mrr":
        return (
          <LineChart accessibilityLayer={false} data={buckets}>
            <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
            <XAxis dataKey="label" tick={AXIS} />
            <YAxis tick={AXIS} />
            <Tooltip />
            <Legend />
            <Line type="monotone" dataKey="mrr" name={t("rep.mrr")} stroke={COLORS.mrr} isAnimationActive={false} />
          </LineChart>
        );
      case "movements":
        return (
          <BarChart accessibilityLayer={false} data={buckets} stackOffset="sign">
            <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
            <XAxis dataKey="label" tick={AXIS} />
            <YAxis tick={AXIS} />
            <Tooltip />
            <Legend />
            <ReferenceLine y={0} stroke="currentColor" />
            {(["new", "expansion", "reactivation", "contraction", "churnVoluntary", "churnNonpayment"] as const).map(
              (key) => (
                <Bar key={key} dataKey={key} name={t(`rep.mov.${key}`)} stackId="m" fill={COLORS[key]} isAnimationActive={false} />
              ),
            )}
          </BarChart>
        );
      case "subscriptions":
        return (
          <LineChart accessibilityLayer={false} data={buckets}>
            <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
            <XAxis dataKey="label" tick={AXIS} />
            <YAxis tick={AXIS} allowDecimals={false} />
            <Tooltip />
            <Legend />
            <Line type="monotone" dataKey="active" name={t("rep.active")} stroke={COLORS.active} isAnimationActive={false} />
            <Line type="monotone" dataKey="trialing" name={t("rep.trialing")} stroke={COLORS.trialing} isAnimationActive={false} />
          </LineChart>
        );
      case "recovery":
        return (
          <BarChart accessibilityLayer={false} data={buckets}>
            <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
            <XAxis dataKey="label" tick={AXIS} />
            <YAxis tick={AXIS} />
            <Tooltip />
            <Legend />
            <Bar dataKey="failed" name={t("rep.failedAmount")} fill={COLORS.failed} isAnimationActive={false} />
            <Bar dataKey="recovered" name={t("rep.recoveredAmount")} fill={COLORS.recovered} isAnimationActive={false} />
          </BarChart>
        );
      case "upcoming":
        return (
          <BarChart accessibilityLayer={false}
            data={report.upcomingRevenue.map((u) => ({
              label: t("rep.days", { days: u.days }),
              open: num(u.openInvoices),
              renewals: num(u.renewals),
            }))}
          >
            <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
            <XAxis dataKey="label" tick={AXIS} />
            <YAxis tick={AXIS} />
            <Tooltip />
            <Legend />
            <Bar dataKey="renewals" name={t("rep.renewals")} stackId="u" fill={COLORS.renewals} isAnimationActive={false} />
            <Bar dataKey="open" name={t("rep.openInvoices")} stackId="u" fill={COLORS.open} isAnimationActive={false} />
          </BarChart>
        );
      case "plans":
        return (
          <BarChart accessibilityLayer={false} data={report.revenueByPlan.map((p) => ({ label: p.planName, revenue: num(p.amount) }))} layout="vertical">
            <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
            <XAxis type="number" tick={AXIS} />
            <YAxis type="category" dataKey="label" tick={AXIS} width={140} />
            <Tooltip />
            <Bar dataKey="revenue" name={t("rep.revenue")} fill={COLORS.revenue} isAnimationActive={false} />
          </BarChart>
        );
    }
  })();
  return (
    <div data-chart={kind} style={{ width: "100%", height: 260 }} aria-hidden="true">
      <ResponsiveContainer width="100%" height="100%">
        {chart}
      </ResponsiveContainer>
    </div>
  );
}
