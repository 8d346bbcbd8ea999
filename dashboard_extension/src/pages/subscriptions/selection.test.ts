import { describe, expect, it } from "vitest";

import { DEFAULT_STATE, listStateQuery, matching, parseListState } from "./listState";
import { exportFileName, exportUrl } from "./csvExport";
import { productChoices } from "./MoreFilters";
import { bulkVariables, EMPTY_BULK_FORM, NO_SELECTION, pageSelected, selectAllMatching, selectedCount, toggle, togglePage } from "./selection";

describe("the selection of the list", () => {
  it("toggles rows and a whole page, and counts what the action will change", () => {
    const one = toggle(NO_SELECTION, "a");
    const page = togglePage(one, ["a", "b", "c"]);
    const none = togglePage(page, ["a", "b", "c"]);

    expect([...one.ids]).toEqual(["a"]);
    expect(pageSelected(page, ["a", "b", "c"])).toBe(true);
    expect(selectedCount(page, 40)).toBe(3);
    expect(none.ids.size).toBe(0);
    expect(selectedCount(selectAllMatching(one), 40)).toBe(40);
    expect(toggle(selectAllMatching(one), "b").allMatching).toBe(false);
  });

  it("sends the ids picked, or the list's filter and search when all matching are selected", () => {
    const state = { ...DEFAULT_STATE, tab: "ACTIVE" as const, search: " anna ", channel: "eu" };
    const picked = bulkVariables("PAUSE", toggle(NO_SELECTION, "U3Vi"), state, { ...EMPTY_BULK_FORM, periods: "2" });
    const all = bulkVariables("CANCEL", selectAllMatching(NO_SELECTION), state, {
      ...EMPTY_BULK_FORM,
      effect: "PERIOD_END",
      credit: "yes",
      reason: " moving ",
    });

    expect(picked).toEqual({ action: "PAUSE", ids: ["U3Vi"], periods: 2 });
    expect(all).toEqual({
      action: "CANCEL",
      filter: { channel: "eu", status: ["ACTIVE"] },
      search: "anna",
      effect: "PERIOD_END",
      reason: "moving",
    });
    // As each plan says: neither option sent; credit only when not at the period's end.
    expect(bulkVariables("CANCEL", toggle(NO_SELECTION, "U3Vi"), state, EMPTY_BULK_FORM)).toEqual({ action: "CANCEL", ids: ["U3Vi"] });
    const now = { ...EMPTY_BULK_FORM, effect: "IMMEDIATELY" as const, credit: "yes" as const };
    expect(bulkVariables("CANCEL", toggle(NO_SELECTION, "U3Vi"), state, now)).toMatchObject({ effect: "IMMEDIATELY", credit: true });
    const migration = { ...EMPTY_BULK_FORM, plan: "UGxhbjox", version: "4", periods: "2" };
    expect(bulkVariables("PRICE_MIGRATION", toggle(NO_SELECTION, "U3Vi"), state, migration)).toEqual({
      action: "PRICE_MIGRATION",
      ids: ["U3Vi"],
      version: 4,
    });
  });
});

describe("the list's extra filters", () => {
  it("keeps plan, product, payment method and next billing dates in the URL and the filter", () => {
    const query = "?plan=UGxhbjox&product=UHJvZHVjdDo3Mg%3D%3D&method=sepa_debit&nextFrom=2026-12-01&nextTo=2026-12-31";
    const state = parseListState(query);

    expect(listStateQuery(state)).toBe(query);
    expect(matching(state).filter).toEqual({
      plans: ["UGxhbjox"],
      product: "UHJvZHVjdDo3Mg==",
      paymentMethodType: "sepa_debit",
      nextBilling: { gte: "2026-12-01T00:00:00+00:00", lte: "2026-12-31T23:59:59.999999+00:00" },
    });
    expect(parseListState("?method=bitcoin&nextFrom=tomorrow").method).toBe("");
    expect(parseListState("?nextFrom=tomorrow").nextFrom).toBe("");
  });

  it("names each product by its plans", () => {
    const plans = [
      { name: "Coffee monthly", productId: "P1" },
      { name: "Coffee yearly", productId: "P1" },
      { name: "Tea", productId: "P2" },
    ];
    expect(productChoices(plans)).toEqual([
      { id: "P1", label: "Coffee monthly / Coffee yearly" },
      { id: "P2", label: "Tea" },
    ]);
  });
});

describe("the CSV export", () => {
  it("asks for the list shown, its filter as JSON and its search", () => {
    const url = new URL(exportUrl("https://app.example", { ...DEFAULT_STATE, tab: "PAST_DUE", search: "bob" }));

    expect(url.pathname).toBe("/api/export/subscriptions.csv");
    expect(JSON.parse(url.searchParams.get("filter") ?? "")).toEqual({ status: ["PAST_DUE"] });
    expect(url.searchParams.get("search")).toBe("bob");
    expect(exportFileName(new Date("2026-11-16T10:00:00Z"))).toBe("subscriptions-2026-11-16.csv");
  });
});
