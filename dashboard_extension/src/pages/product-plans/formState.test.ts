import { describe, expect, it } from "vitest";

import { localErrors, NEW_PLAN, termsInput } from "./formState";

describe("the plan form's terms", () => {
  it("a new plan sends the API's defaults and null where null means something", () => {
    expect(termsInput(NEW_PLAN)).toEqual({
      interval: "MONTH",
      intervalCount: 1,
      price: null,
      setupFee: "0",
      trialDays: 0,
      trialIntervals: 0,
      billingCycles: null,
      anchorMode: "PURCHASE",
      anchorDay: null,
      shortMonthRule: "CLAMP",
      invoiceLeadDays: 0,
      renewalReminderDays: null,
      customerCanCancel: true,
      customerCanPause: false,
      minimumCycles: 0,
      cancelNoticeDays: 0,
      cancelEffect: "PERIOD_END",
      cancelCredit: true,
      priceChangeNoticeDays: 30,
      usagePrices: [],
    });
  });

  it("an anchor day is sent only with a day-of-month anchor, amounts as typed", () => {
    const terms = termsInput({
      ...NEW_PLAN,
      price: " 30.00 ",
      anchorMode: "DAY_OF_MONTH",
      anchorDay: "1",
      billingCycles: "12",
      usagePrices: [{ metric: "seats", price: "0.0015" }, { metric: "", price: "" }],
    });
    expect(terms).toMatchObject({ price: "30.00", anchorDay: 1, billingCycles: 12 });
    expect(terms.usagePrices).toEqual([{ metric: "seats", price: "0.0015" }]);
    expect(termsInput({ ...NEW_PLAN, anchorDay: "5" }).anchorDay).toBeNull();
  });

  it("text that is no whole number is named on its field", () => {
    expect(localErrors({ ...NEW_PLAN, trialDays: "two", anchorDay: "1.5" })).toEqual({
      trialDays: "a whole number",
      anchorDay: "a whole number",
    });
    expect(localErrors(NEW_PLAN)).toEqual({});
  });
});
