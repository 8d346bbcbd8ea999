import { describe, expect, it } from "vitest";

import {
  countVariables,
  DEFAULT_STATE,
  listStateQuery,
  listVariables,
  nextPage,
  PAGE_SIZE,
  parseListState,
  previousPage,
  tabCounts,
  withChange,
} from "./listState";

describe("the list's state in the URL", () => {
  it("is empty for the default list and reads back what it wrote", () => {
    expect(listStateQuery(DEFAULT_STATE)).toBe("");
    const state = {
      ...DEFAULT_STATE,
      tab: "PAST_DUE" as const,
      search: "anna@example.com",
      channel: "default-channel",
      createdFrom: "2026-11-01",
      createdTo: "2026-11-30",
      sort: "AMOUNT" as const,
      direction: "ASC" as const,
      after: "Y3Vyc29y",
    };
    const query = listStateQuery(state);
    expect(query).toBe(
      "?tab=PAST_DUE&q=anna%40example.com&channel=default-channel&createdFrom=2026-11-01&createdTo=2026-11-30&sort=AMOUNT&dir=ASC&after=Y3Vyc29y",
    );
    expect(parseListState(query)).toEqual(state);
  });

  it("falls back to the default for unknown or malformed values", () => {
    const state = parseListState("?tab=NOPE&sort=PRICE&dir=UP&createdFrom=1%20Nov&createdTo=2026-13");
    expect(state).toEqual(DEFAULT_STATE);
  });

  it("keeps one cursor: after wins over before", () => {
    expect(parseListState("?after=a&before=b")).toMatchObject({ after: "a", before: "" });
    expect(parseListState("?before=b")).toMatchObject({ after: "", before: "b" });
  });

  it("starts again at the first page when the tab, search, a filter or the sort changes", () => {
    const paged = nextPage(DEFAULT_STATE, "end");
    expect(paged.after).toBe("end");
    expect(withChange(paged, { search: "bob" })).toMatchObject({ search: "bob", after: "", before: "" });
    expect(withChange(previousPage(paged, "start"), { tab: "attention" })).toMatchObject({ after: "", before: "" });
    expect(previousPage(paged, "start")).toMatchObject({ after: "", before: "start" });
  });
});

describe("the API's variables", () => {
  it("asks the first page, newest first, of every state by default", () => {
    expect(listVariables(DEFAULT_STATE)).toEqual({
      filter: {},
      search: null,
      sortBy: { field: "CREATED", direction: "DESC" },
      first: PAGE_SIZE,
    });
  });

  it("filters by the tab, the channel and whole days of creation, and pages with the cursor", () => {
    const state = {
      ...DEFAULT_STATE,
      tab: "PAUSED" as const,
      channel: "eu",
      createdFrom: "2026-11-01",
      createdTo: "2026-11-30",
      search: "  #12 ",
      before: "c",
    };
    expect(listVariables(state)).toEqual({
      filter: {
        status: ["PAUSED"],
        channel: "eu",
        created: { gte: "2026-11-01T00:00:00+00:00", lte: "2026-11-30T23:59:59.999999+00:00" },
      },
      search: "#12",
      sortBy: { field: "CREATED", direction: "DESC" },
      last: PAGE_SIZE,
      before: "c",
    });
    expect(listVariables({ ...DEFAULT_STATE, tab: "attention", after: "x" })).toMatchObject({
      filter: { attention: ["PAST_DUE", "SUSPENDED", "ACTION_REQUIRED", "ORDER_FAILED"] },
      first: PAGE_SIZE,
      after: "x",
    });
  });

  it("counts the tabs with the same search and filters, whatever tab is shown", () => {
    const state = { ...DEFAULT_STATE, tab: "ACTIVE" as const, channel: "eu", search: "anna" };
    expect(countVariables(state)).toEqual({
      filter: { channel: "eu" },
      attentionFilter: { channel: "eu", attention: ["PAST_DUE", "SUSPENDED", "ACTION_REQUIRED", "ORDER_FAILED"] },
      search: "anna",
    });
  });

  it("sums the states for All, leaving the unpaid checkouts out as the list does", () => {
    const counts = tabCounts(
      [
        { status: "ACTIVE", count: 5 },
        { status: "PAST_DUE", count: 2 },
        { status: "INCOMPLETE", count: 7 },
      ],
      3,
    );
    expect(counts).toEqual({ all: 7, attention: 3, ACTIVE: 5, PAST_DUE: 2, INCOMPLETE: 7 });
  });
});
