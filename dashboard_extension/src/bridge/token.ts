// The dashboard's token for the app lasts 5 minutes, and 3.21 popups never refresh it: the page tracks its
// expiry and says so instead of failing silently.

/** The token's `exp` in milliseconds since the epoch; null when it is not a JWT with one. */
export function tokenExpiry(token: string | undefined | null): number | null {
  const payload = token?.split(".")[1];
  if (!payload) {
    return null;
  }
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp * 1000 : null;
  } catch {
    return null;
  }
}

export function isExpired(token: string | undefined | null, now: number = Date.now()): boolean {
  const expiry = tokenExpiry(token);
  return expiry !== null && expiry <= now;
}
