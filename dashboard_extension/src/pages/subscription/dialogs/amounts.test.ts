import { describe, expect, it } from "vitest";

import { fromCents, quantityPreview, refundableCents, share, toCents } from "./amounts";

describe("preview amounts", () => {
  it("reads and writes decimals without floating point", () => {
    expect(toCents("12.5")).toBe(1250n);
    expect(toCents("0.07")).toBe(7n);
    expect(toCents("12.345")).toBeNull();
    expect(toCents("abc")).toBeNull();
    expect(fromCents(1250n)).toBe("12.50");
    expect(fromCents(-7n)).toBe("-0.07");
    expect(share(3000n, 15, 30)).toBe(1500n);
    expect(share(1000n, 1, 3)).toBe(333n);
    expect(share(1000n, 2, 3)).toBe(667n);
  });

  it("leaves on an invoice its total less its credit notes", () => {
    expect(refundableCents("60.00", [{ amount: "20.00" }])).toBe(4000n);
    expect(refundableCents("60.00", [{ amount: "60.00" }, { amount: "1.00" }])).toBe(0n);
  });

  it("charges an increase pro rata for the rest of the period, a decrease nothing now", () => {
    const period = { start: "2026-11-01", end: "2026-12-01", today: "2026-11-16" };
    expect(quantityPreview("30.00", 2, 3, period)).toEqual({ periodPrice: "90.00", nowCharge: "15.00" });
    expect(quantityPreview("30.00", 3, 1, period)).toEqual({ periodPrice: "30.00", nowCharge: null });
    expect(quantityPreview(null, 1, 2, period)).toBeNull();
  });
});
