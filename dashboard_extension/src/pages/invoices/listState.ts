import type {
  InvoiceFilterInput,
  InvoiceListQueryVariables,
  InvoiceSortField,
  InvoiceStatus,
} from "../../gql/graphql";

/** The rows of one page. */
export const PAGE_SIZE = 20;

export const INVOICE_STATUSES: readonly InvoiceStatus[] = ["OPEN", "PAID", "UNCOLLECTIBLE", "VOID", "DRAFT"];

export const INVOICE_SORT_FIELDS: readonly InvoiceSortField[] = ["DUE", "ISSUED", "NUMBER", "TOTAL"];

/** Which of an invoice's days the date range is of. */
export const INVOICE_DATES = ["due", "issued", "paid"] as const;
export type InvoiceDate = (typeof INVOICE_DATES)[number];

/** A tab: every invoice, the ones that need attention (a failed or waiting charge, a failed order), or a state. */
export type InvoiceTab = "all" | "attention" | InvoiceStatus;

export const INVOICE_TABS: readonly InvoiceTab[] = ["all", "attention", ...INVOICE_STATUSES];

/** What the list shows; all of it lives in the page's URL, so reload and back show the same list. */
export interface InvoiceListState {
  tab: InvoiceTab;
  search: string;
  channel: string;
  currency: string;
  dateOf: InvoiceDate;
  from: string;
  to: string;
  sort: InvoiceSortField;
  direction: "ASC" | "DESC";
  after: string;
  before: string;
}

export const DEFAULT_INVOICE_STATE: InvoiceListState = {
  tab: "all",
  search: "",
  channel: "",
  currency: "",
  dateOf: "due",
  from: "",
  to: "",
  sort: "DUE",
  direction: "DESC",
  after: "",
  before: "",
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const CURRENCY = /^[A-Za-z]{3}$/;

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** The state in a URL's query; anything unknown or malformed falls back to the default. */
export function parseInvoiceState(search: string): InvoiceListState {
  const params = new URLSearchParams(search);
  const day = (name: string) => {
    const value = params.get(name) ?? "";
    return DAY.test(value) ? value : "";
  };
  const currency = params.get("currency") ?? "";
  const after = params.get("after") ?? "";
  return {
    tab: oneOf<InvoiceTab>(params.get("tab"), INVOICE_TABS, "all"),
    search: (params.get("q") ?? "").slice(0, 200),
    channel: params.get("channel") ?? "",
    currency: CURRENCY.test(currency) ? currency.toUpperCase() : "",
    dateOf: oneOf(params.get("dates"), INVOICE_DATES, "due"),
    from: day("from"),
    to: day("to"),
    sort: oneOf(params.get("sort"), INVOICE_SORT_FIELDS, DEFAULT_INVOICE_STATE.sort),
    direction: oneOf(params.get("dir"), ["ASC", "DESC"] as const, DEFAULT_INVOICE_STATE.direction),
    after,
    before: after ? "" : (params.get("before") ?? ""),
  };
}

/** The query of a state, default values left out (`""` for the default list). */
export function invoiceStateQuery(state: InvoiceListState): string {
  const params = new URLSearchParams();
  const put = (name: string, value: string, fallback = "") => {
    if (value !== fallback) {
      params.set(name, value);
    }
  };
  put("tab", state.tab, DEFAULT_INVOICE_STATE.tab);
  put("q", state.search);
  put("channel", state.channel);
  put("currency", state.currency);
  put("dates", state.dateOf, DEFAULT_INVOICE_STATE.dateOf);
  put("from", state.from);
  put("to", state.to);
  put("sort", state.sort, DEFAULT_INVOICE_STATE.sort);
  put("dir", state.direction, DEFAULT_INVOICE_STATE.direction);
  put("after", state.after);
  put("before", state.before);
  const query = params.toString();
  return query ? `?${query}` : "";
}

/** A change of tab, search, filter or sort starts again at the first page (a cursor belongs to its list). */
export function withInvoiceChange(
  state: InvoiceListState,
  change: Partial<Omit<InvoiceListState, "after" | "before">>,
): InvoiceListState {
  return { ...state, ...change, after: "", before: "" };
}

/** The API's variables for the page of a state (the range: whole days in UTC, both ends included). */
export function invoiceListVariables(state: InvoiceListState): InvoiceListQueryVariables {
  const filter: InvoiceFilterInput = {};
  if (state.tab === "attention") {
    filter.attention = true;
  } else if (state.tab !== "all") {
    filter.status = [state.tab];
  }
  if (state.channel) {
    filter.channel = state.channel;
  }
  if (state.currency) {
    filter.currency = state.currency;
  }
  if (state.from || state.to) {
    filter[state.dateOf] = {
      ...(state.from ? { gte: `${state.from}T00:00:00+00:00` } : {}),
      ...(state.to ? { lte: `${state.to}T23:59:59.999999+00:00` } : {}),
    };
  }
  const paging = state.before
    ? { last: PAGE_SIZE, before: state.before }
    : { first: PAGE_SIZE, ...(state.after ? { after: state.after } : {}) };
  return {
    filter,
    ...(state.search.trim() ? { search: state.search.trim() } : {}),
    sortBy: { field: state.sort, direction: state.direction },
    ...paging,
  };
}

const FAILED = new Set(["declined", "failed", "amount_refused", "requires_action"]);

/** Why a row needs someone: its latest charge failed or waits for the customer, or its order failed. */
export function attentionOf(invoice: {
  status: InvoiceStatus;
  orderProblem: string;
  payments: readonly { status: string; declineCode: string }[];
}): "payment" | "action" | "order" | null {
  if (invoice.status !== "OPEN" && invoice.status !== "UNCOLLECTIBLE") {
    return null;
  }
  const last = invoice.payments[invoice.payments.length - 1];
  if (last && FAILED.has(last.status)) {
    return last.status === "requires_action" ? "action" : "payment";
  }
  if (invoice.orderProblem) {
    return "order";
  }
  return invoice.payments.some((p) => FAILED.has(p.status)) ? "payment" : null;
}
