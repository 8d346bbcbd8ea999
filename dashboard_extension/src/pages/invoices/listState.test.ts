import { describe, expect, it } from "vitest";

import {
  attentionOf,
  DEFAULT_INVOICE_STATE,
  invoiceListVariables,
  invoiceStateQuery,
  parseInvoiceState,
  withInvoiceChange,
} from "./listState";
import { refundPreview } from "./refund";

describe("the invoice list's URL state", () => {
  it("reads its filters back from the query it writes, defaults left out", () => {
    const state = {
      ...DEFAULT_INVOICE_STATE,
      tab: "attention" as const,
      search: "bob",
      channel: "eu",
      currency: "EUR",
      dateOf: "paid" as const,
      from: "2026-11-01",
      to: "2026-11-30",
      sort: "TOTAL" as const,
      direction: "ASC" as const,
      after: "c1",
    };
    const query = invoiceStateQuery(state);
    expect(query).toBe(
      "?tab=attention&q=bob&channel=eu&currency=EUR&dates=paid&from=2026-11-01&to=2026-11-30&sort=TOTAL&dir=ASC&after=c1",
    );
    expect(parseInvoiceState(query)).toEqual(state);
    expect(invoiceStateQuery(DEFAULT_INVOICE_STATE)).toBe("");
  });

  it("ignores unknown or malformed values", () => {
    expect(parseInvoiceState("?tab=NOPE&currency=euro&dates=never&from=1/2/2026&sort=x&dir=up")).toEqual(DEFAULT_INVOICE_STATE);
    expect(parseInvoiceState("?currency=eur").currency).toBe("EUR");
  });

  it("starts at the first page on any change", () => {
    const paged = { ...DEFAULT_INVOICE_STATE, after: "c1" };
    expect(withInvoiceChange(paged, { channel: "eu" })).toMatchObject({ channel: "eu", after: "", before: "" });
  });

  it("asks the API for the tab, filters, search, sort and page", () => {
    expect(
      invoiceListVariables({
        ...DEFAULT_INVOICE_STATE,
        tab: "attention",
        currency: "EUR",
        channel: "eu",
        from: "2026-11-01",
        search: " bob ",
        before: "c9",
      }),
    ).toEqual({
      filter: { attention: true, channel: "eu", currency: "EUR", due: { gte: "2026-11-01T00:00:00+00:00" } },
      search: "bob",
      sortBy: { field: "DUE", direction: "DESC" },
      last: 20,
      before: "c9",
    });
    expect(invoiceListVariables({ ...DEFAULT_INVOICE_STATE, tab: "PAID", dateOf: "paid", to: "2026-11-30" })).toEqual({
      filter: { status: ["PAID"], paid: { lte: "2026-11-30T23:59:59.999999+00:00" } },
      sortBy: { field: "DUE", direction: "DESC" },
      first: 20,
    });
  });

  it("says why a row needs attention", () => {
    const row = { status: "OPEN" as const, orderProblem: "", payments: [{ status: "declined", declineCode: "x" }] };
    expect(attentionOf(row)).toBe("payment");
    expect(attentionOf({ ...row, payments: [{ status: "requires_action", declineCode: "" }] })).toBe("action");
    expect(attentionOf({ ...row, payments: [], orderProblem: "order_refused" })).toBe("order");
    expect(attentionOf({ ...row, status: "PAID" })).toBeNull();
    expect(attentionOf({ ...row, payments: [] })).toBeNull();
  });
});

describe("a refund's preview", () => {
  it("shows all that is left by default, as money back", () => {
    expect(refundPreview("30.00", "", "MONEY_BACK")).toEqual({
      amount: "30.00",
      leftAfter: "0.00",
      creditAdded: "0.00",
      moneyBack: "30.00",
      full: true,
    });
  });

  it("shows a part as a credit note, with what is left after it", () => {
    expect(refundPreview("30.00", "12,5", "CREDIT_NOTE")).toEqual({
      amount: "12.50",
      leftAfter: "17.50",
      creditAdded: "12.50",
      moneyBack: "0.00",
      full: false,
    });
    expect(refundPreview("1500", "500", "MONEY_BACK")).toMatchObject({ amount: "500", leftAfter: "1000" });
  });

  it("refuses what cannot be sent before asking the API", () => {
    expect(refundPreview("30.00", "30.01", "MONEY_BACK")).toEqual({ error: "refund.tooLarge" });
    expect(refundPreview("30.00", "0", "MONEY_BACK")).toEqual({ error: "refund.invalidAmount" });
    expect(refundPreview("30.00", "1.234", "MONEY_BACK")).toEqual({ error: "refund.invalidAmount" });
    expect(refundPreview("30.00", "-1", "MONEY_BACK")).toEqual({ error: "refund.invalidAmount" });
    expect(refundPreview("0.00", "", "MONEY_BACK")).toEqual({ error: "refund.nothingLeft" });
  });
});
