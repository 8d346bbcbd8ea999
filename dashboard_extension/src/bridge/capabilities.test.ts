import { describe, expect, it } from "vitest";

import { parseVersion, supportsAction } from "./capabilities";

describe("App Bridge actions by dashboard version", () => {
  it("dashboard 3.21 gets only the five actions it knows", () => {
    for (const action of ["notification", "redirect", "updateRouting", "notifyReady", "requestPermissions"] as const) {
      expect(supportsAction(action, "3.21.5")).toBe(true);
    }
    expect(supportsAction("popupClose", "3.21.5")).toBe(false);
    expect(supportsAction("widgetResize", "3.21.0")).toBe(false);
  });

  it("an unknown or absent version counts as 3.21", () => {
    expect(supportsAction("popupClose", undefined)).toBe(false);
    expect(supportsAction("popupClose", "dev")).toBe(false);
  });

  it("3.22 and later get the newer actions", () => {
    expect(supportsAction("popupClose", "3.22.0")).toBe(true);
    expect(supportsAction("refreshEntity", "4.0")).toBe(true);
    expect(parseVersion("3.22.4")).toEqual([3, 22]);
  });
});
