import { describe, expect, it } from "vitest";

import { isExpired, tokenExpiry } from "./token";

function jwt(claims: object): string {
  const part = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${part({ alg: "RS256" })}.${part(claims)}.signature`;
}

describe("the dashboard token's expiry", () => {
  it("is read from exp, in milliseconds", () => {
    expect(tokenExpiry(jwt({ exp: 1_800_000_000 }))).toBe(1_800_000_000_000);
  });

  it("a token whose exp has passed is expired; one still valid is not", () => {
    const token = jwt({ exp: 1000 });
    expect(isExpired(token, 1_000_000)).toBe(true);
    expect(isExpired(token, 999_999)).toBe(false);
  });

  it("something that is not a JWT has no expiry", () => {
    expect(tokenExpiry("abc")).toBeNull();
    expect(tokenExpiry(undefined)).toBeNull();
    expect(isExpired("abc")).toBe(false);
  });
});
