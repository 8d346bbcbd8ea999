import type { ReportGranularity, SubscriptionReportQuery, SubscriptionReportQueryVariables } from "../../gql/graphql";

export type Report = NonNullable<SubscriptionReportQuery["subscriptionReport"]["report"]>;
export type Bucket = Report["buckets"][number];

export const GRANULARITIES: readonly ReportGranularity[] = ["DAY", "WEEK", "MONTH"];

/** What the reports show; it lives in the URL (`?scope=channel:eu&from=…&to=…&by=WEEK`). A scope is a channel
 * (`channel:<slug>`) or every channel of a currency (`currency:EUR`); empty until the shop's channels are known. */
export interface ReportState {
  scope: string;
  from: string;
  to: string;
  granularity: ReportGranularity;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const SCOPE = /^(channel:.+|currency:[A-Z]{3})$/;

function iso(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The last twelve months by month: from the first day of the month eleven months ago to today (UTC). */
export function defaultRange(today: Date): { from: string; to: string } {
  const start = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 11, 1));
  return { from: iso(start), to: iso(today) };
}

export function parseReportState(search: string, today: Date): ReportState {
  const params = new URLSearchParams(search);
  const range = defaultRange(today);
  const day = (name: "from" | "to") => {
    const value = params.get(name) ?? "";
    return DAY.test(value) ? value : range[name];
  };
  const scope = params.get("scope") ?? "";
  const by = params.get("by") ?? "";
  return {
    scope: SCOPE.test(scope) ? scope : "",
    from: day("from"),
    to: day("to"),
    granularity: (GRANULARITIES as readonly string[]).includes(by) ? (by as ReportGranularity) : "MONTH",
  };
}

export function reportStateQuery(state: ReportState, today: Date): string {
  const params = new URLSearchParams();
  const range = defaultRange(today);
  if (state.scope) {
    params.set("scope", state.scope);
  }
  if (state.from !== range.from) {
    params.set("from", state.from);
  }
  if (state.to !== range.to) {
    params.set("to", state.to);
  }
  if (state.granularity !== "MONTH") {
    params.set("by", state.granularity);
  }
  const query = params.toString();
  return query ? `?${query}` : "";
}

/** The API's variables of a state; null while it has no scope (the report needs a channel or a currency). */
export function reportVariables(state: ReportState): SubscriptionReportQueryVariables | null {
  if (!state.scope) {
    return null;
  }
  const [kind, value] = [state.scope.slice(0, state.scope.indexOf(":")), state.scope.slice(state.scope.indexOf(":") + 1)];
  return {
    ...(kind === "channel" ? { channel: value } : { currency: value }),
    from: state.from,
    to: state.to,
    granularity: state.granularity,
  };
}

/** The scopes to choose from: every currency of the shop's channels, then each channel. */
export function scopesOf(channels: readonly { slug: string; name: string; currencyCode: string }[]): {
  value: string;
  currency: string;
  channel: string | null;
}[] {
  const currencies = [...new Set(channels.map((c) => c.currencyCode))].sort();
  return [
    ...currencies.map((currency) => ({ value: `currency:${currency}`, currency, channel: null })),
    ...channels.map((c) => ({ value: `channel:${c.slug}`, currency: c.currencyCode, channel: c.name })),
  ];
}

/** A number for a chart from the API's Decimal text (the tables show the text itself). */
export function num(value: string | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value);
}

/** A rate of the API (`0.5000`) as a percentage ("50.0%"); "–" when there is none. */
export function percent(rate: string | null | undefined): string {
  return rate === null || rate === undefined ? "–" : `${(Number(rate) * 100).toFixed(1)}%`;
}

/** The figures of a report's last bucket and its totals over the range, for the summary at the top. */
export function headline(report: Report) {
  const last = report.buckets[report.buckets.length - 1];
  const sum = (pick: (b: Bucket) => number) => report.buckets.reduce((total, b) => total + pick(b), 0);
  const failed = sum((b) => b.paymentRecovery.failedInvoices);
  const recovered = sum((b) => b.paymentRecovery.recoveredInvoices);
  const ended = sum((b) => b.trials.ended);
  const converted = sum((b) => b.trials.converted);
  return {
    mrr: last?.mrr ?? "0",
    arr: last?.arr ?? "0",
    active: last?.activeSubscriptions ?? 0,
    trialing: last?.trials.trialing ?? 0,
    churned: sum((b) => b.churnedSubscriptions.voluntary + b.churnedSubscriptions.nonpayment),
    recoveryRate: failed ? String(recovered / failed) : null,
    conversionRate: ended ? String(converted / ended) : null,
    upcoming30: report.upcomingRevenue.find((u) => u.days === 30)?.total ?? "0",
  };
}
