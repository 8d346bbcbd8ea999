import { describe, expect, it } from "vitest";

import { formatDay, formatMoment } from "./dates";

describe("dates in the installation's time zone", () => {
  it("shows a moment on the installation's clock, not the browser's", () => {
    const moment = "2026-11-16T23:30:00+00:00";
    expect(formatMoment(moment, "en", "Europe/Amsterdam")).toBe("Nov 17, 2026, 12:30 AM");
    expect(formatMoment(moment, "en", "America/New_York")).toBe("Nov 16, 2026, 06:30 PM");
    expect(formatMoment(moment, "nl", "Europe/Amsterdam")).toBe("17 nov 2026, 00:30");
  });

  it("shows a day as that day in any zone, and falls back to UTC for an unknown zone", () => {
    expect(formatDay("2026-11-16", "en")).toBe("Nov 16, 2026");
    expect(formatDay("2026-11-16T23:30:00+00:00", "nl")).toBe("16 nov 2026");
    expect(formatMoment("2026-11-16T23:30:00+00:00", "en", "Mars/Base")).toBe("Nov 16, 2026, 11:30 PM");
    expect(formatMoment(null, "en", "UTC")).toBe("");
  });
});
