import { describe, expect, it } from "vitest";

import { defaultRange, headline, parseReportState, percent, reportStateQuery, reportVariables, scopesOf, type Report } from "./reportState";

const TODAY = new Date("2026-12-07T12:00:00Z");

describe("the reports' URL state", () => {
  it("defaults to the last twelve months by month, and leaves defaults out of the URL", () => {
    expect(defaultRange(TODAY)).toEqual({ from: "2026-01-01", to: "2026-12-07" });
    const state = parseReportState("", TODAY);
    expect(state).toEqual({ scope: "", from: "2026-01-01", to: "2026-12-07", granularity: "MONTH" });
    expect(reportStateQuery({ ...state, scope: "currency:EUR" }, TODAY)).toBe("?scope=currency%3AEUR");
  });

  it("reads a channel, range and granularity back and ignores malformed ones", () => {
    const state = parseReportState("?scope=channel:eu&from=2026-03-01&to=2026-03-31&by=WEEK", TODAY);
    expect(state).toEqual({ scope: "channel:eu", from: "2026-03-01", to: "2026-03-31", granularity: "WEEK" });
    expect(parseReportState("?scope=eu&from=x&by=YEAR", TODAY)).toEqual(parseReportState("", TODAY));
  });

  it("asks for a channel or a currency, never both, and nothing without a scope", () => {
    const base = { from: "2026-01-01", to: "2026-12-07", granularity: "DAY" as const };
    expect(reportVariables({ ...base, scope: "channel:eu:x" })).toEqual({ ...base, channel: "eu:x" });
    expect(reportVariables({ ...base, scope: "currency:EUR" })).toEqual({ ...base, currency: "EUR" });
    expect(reportVariables({ ...base, scope: "" })).toBeNull();
  });

  it("offers each currency of the shop's channels, then each channel", () => {
    const scopes = scopesOf([
      { slug: "us", name: "US", currencyCode: "USD" },
      { slug: "eu", name: "Europe", currencyCode: "EUR" },
      { slug: "nl", name: "Netherlands", currencyCode: "EUR" },
    ]);
    expect(scopes.map((s) => s.value)).toEqual(["currency:EUR", "currency:USD", "channel:us", "channel:eu", "channel:nl"]);
  });
});

describe("the headline figures", () => {
  it("take the last bucket's MRR and counts and the range's rates", () => {
    const bucket = (mrr: string, failed: number, recovered: number, ended: number, converted: number) => ({
      start: "2027-01-01",
      end: "2027-01-31",
      mrr,
      arr: String(Number(mrr) * 12),
      openingMrr: "0",
      activeSubscriptions: 2,
      newSubscriptions: 0,
      reactivatedSubscriptions: 0,
      movements: { new: "0", expansion: "0", contraction: "0", churn: "0", churnVoluntary: "0", churnNonpayment: "0", reactivation: "0", net: "0" },
      churnedSubscriptions: { voluntary: 1, nonpayment: 1, rate: "0.5000" },
      trials: { trialing: 1, started: 1, ended, converted, conversionRate: null },
      paymentRecovery: { failedInvoices: failed, failedAmount: "0", recoveredInvoices: recovered, recoveredAmount: "0", rate: null },
    });
    const report = {
      currency: "EUR",
      buckets: [bucket("89.25", 1, 0, 1, 1), bucket("72.58", 1, 1, 0, 0)],
      upcomingRevenue: [{ days: 30, openInvoices: "0.00", renewals: "40.00", total: "40.00" }],
      revenueByPlan: [],
    } as unknown as Report;
    expect(headline(report)).toEqual({
      mrr: "72.58",
      arr: "870.96",
      active: 2,
      trialing: 1,
      churned: 4,
      recoveryRate: "0.5",
      conversionRate: "1",
      upcoming30: "40.00",
    });
    expect(percent("0.5000")).toBe("50.0%");
    expect(percent(null)).toBe("–");
  });
});
