import type {
  SubscriptionAttention,
  SubscriptionCountsQueryVariables,
  SubscriptionFilterInput,
  SubscriptionListQueryVariables,
  SubscriptionSortField,
  SubscriptionStatus,
} from "../../gql/graphql";

/** The rows of one page. */
export const PAGE_SIZE = 20;

export const STATUSES: readonly SubscriptionStatus[] = [
  "TRIALING",
  "ACTIVE",
  "PAST_DUE",
  "SUSPENDED",
  "PAUSED",
  "CANCELLED",
  "EXPIRED",
  "INCOMPLETE",
];

export const ATTENTION: readonly SubscriptionAttention[] = ["PAST_DUE", "SUSPENDED", "ACTION_REQUIRED", "ORDER_FAILED"];

/** Stripe's types of a saved payment method the filter offers. */
export const PAYMENT_METHODS = ["card", "sepa_debit", "ideal", "bancontact"] as const;

export const SORT_FIELDS: readonly SubscriptionSortField[] = ["CREATED", "NEXT_BILLING", "STATUS", "CUSTOMER", "AMOUNT"];

/** A tab: every state (`all`), one state, or the subscriptions that need attention. */
export type Tab = "all" | "attention" | SubscriptionStatus;

/** What the list shows; all of it lives in the page's URL (`?tab=PAST_DUE&q=anna&sort=AMOUNT&dir=ASC…`), so a
 * reload or the browser's back button shows the same list. */
export interface ListState {
  tab: Tab;
  search: string;
  channel: string;
  createdFrom: string;
  createdTo: string;
  /** A plan's global id, a Saleor product id, a saved method's Stripe type. */
  plan: string;
  product: string;
  method: string;
  nextFrom: string;
  nextTo: string;
  sort: SubscriptionSortField;
  direction: "ASC" | "DESC";
  after: string;
  before: string;
}

export const DEFAULT_STATE: ListState = {
  tab: "all",
  search: "",
  channel: "",
  createdFrom: "",
  createdTo: "",
  plan: "",
  product: "",
  method: "",
  nextFrom: "",
  nextTo: "",
  sort: "CREATED",
  direction: "DESC",
  after: "",
  before: "",
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** The state in a URL's query; anything unknown or malformed falls back to the default. */
export function parseListState(search: string): ListState {
  const params = new URLSearchParams(search);
  const day = (name: string) => {
    const value = params.get(name) ?? "";
    return DAY.test(value) ? value : "";
  };
  const after = params.get("after") ?? "";
  return {
    tab: oneOf<Tab>(params.get("tab"), ["all", "attention", ...STATUSES], "all"),
    search: (params.get("q") ?? "").slice(0, 200),
    channel: params.get("channel") ?? "",
    createdFrom: day("createdFrom"),
    createdTo: day("createdTo"),
    plan: params.get("plan") ?? "",
    product: params.get("product") ?? "",
    method: oneOf<string>(params.get("method"), PAYMENT_METHODS, ""),
    nextFrom: day("nextFrom"),
    nextTo: day("nextTo"),
    sort: oneOf(params.get("sort"), SORT_FIELDS, DEFAULT_STATE.sort),
    direction: oneOf(params.get("dir"), ["ASC", "DESC"] as const, DEFAULT_STATE.direction),
    after,
    before: after ? "" : (params.get("before") ?? ""),
  };
}

/** The query of a state, default values left out (`""` for the default list). */
export function listStateQuery(state: ListState): string {
  const params = new URLSearchParams();
  const put = (name: string, value: string, fallback = "") => {
    if (value !== fallback) {
      params.set(name, value);
    }
  };
  put("tab", state.tab, DEFAULT_STATE.tab);
  put("q", state.search);
  put("channel", state.channel);
  put("createdFrom", state.createdFrom);
  put("createdTo", state.createdTo);
  put("plan", state.plan);
  put("product", state.product);
  put("method", state.method);
  put("nextFrom", state.nextFrom);
  put("nextTo", state.nextTo);
  put("sort", state.sort, DEFAULT_STATE.sort);
  put("dir", state.direction, DEFAULT_STATE.direction);
  put("after", state.after);
  put("before", state.before);
  const query = params.toString();
  return query ? `?${query}` : "";
}

/** A change of tab, search, filter or sort starts again at the first page (a cursor belongs to its list). */
export function withChange(state: ListState, change: Partial<Omit<ListState, "after" | "before">>): ListState {
  return { ...state, ...change, after: "", before: "" };
}

export function nextPage(state: ListState, endCursor: string): ListState {
  return { ...state, after: endCursor, before: "" };
}

export function previousPage(state: ListState, startCursor: string): ListState {
  return { ...state, after: "", before: startCursor };
}

/** Whole days in UTC, both ends included; null when neither is given. */
function dayRange(from: string, to: string): { gte?: string; lte?: string } | null {
  if (!from && !to) {
    return null;
  }
  return {
    ...(from ? { gte: `${from}T00:00:00+00:00` } : {}),
    ...(to ? { lte: `${to}T23:59:59.999999+00:00` } : {}),
  };
}

/** The filter of the tab-independent choices: channel, plan, product, payment method, creation and next
 * billing dates. */
function baseFilter(state: ListState): SubscriptionFilterInput {
  const filter: SubscriptionFilterInput = {};
  if (state.channel) {
    filter.channel = state.channel;
  }
  if (state.plan) {
    filter.plans = [state.plan];
  }
  if (state.product) {
    filter.product = state.product;
  }
  if (state.method) {
    filter.paymentMethodType = state.method;
  }
  const created = dayRange(state.createdFrom, state.createdTo);
  if (created) {
    filter.created = created;
  }
  const nextBilling = dayRange(state.nextFrom, state.nextTo);
  if (nextBilling) {
    filter.nextBilling = nextBilling;
  }
  return filter;
}

/** The filter and search of the list shown (its tab included): what "all matching the filter" and the CSV
 * export take. */
export function matching(state: ListState): { filter: SubscriptionFilterInput; search: string | null } {
  const { filter, search } = listVariables(state);
  return { filter: filter ?? {}, search: search ?? null };
}

/** The API's variables for the page of a state. */
export function listVariables(state: ListState): SubscriptionListQueryVariables {
  const filter = baseFilter(state);
  if (state.tab === "attention") {
    filter.attention = [...ATTENTION];
  } else if (state.tab !== "all") {
    filter.status = [state.tab];
  }
  const paging = state.before
    ? { last: PAGE_SIZE, before: state.before }
    : { first: PAGE_SIZE, ...(state.after ? { after: state.after } : {}) };
  return {
    filter,
    search: state.search.trim() || null,
    sortBy: { field: state.sort, direction: state.direction },
    ...paging,
  };
}

/** The variables of the tabs' figures: the same search and filters, whatever tab is shown. */
export function countVariables(state: ListState): SubscriptionCountsQueryVariables {
  const filter = baseFilter(state);
  return { filter, attentionFilter: { ...filter, attention: [...ATTENTION] }, search: state.search.trim() || null };
}

/** The figure of each tab: each state's count, `all` their sum (the unpaid checkouts left out, as the list
 * leaves them out), and the subscriptions needing attention. */
export function tabCounts(
  statusCounts: readonly { status: SubscriptionStatus; count: number }[],
  attention: number,
): Partial<Record<Tab, number>> {
  const counts: Partial<Record<Tab, number>> = { attention };
  let all = 0;
  for (const { status, count } of statusCounts) {
    counts[status] = count;
    if (status !== "INCOMPLETE") {
      all += count;
    }
  }
  counts.all = all;
  return counts;
}
