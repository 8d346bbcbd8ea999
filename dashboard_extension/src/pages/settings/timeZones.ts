// The IANA time zones the browser knows (`Intl.supportedValuesOf`), with UTC and the shop's current zone, sorted.
const FALLBACK = ["UTC", "Europe/Amsterdam", "Europe/London", "America/New_York", "Asia/Tokyo"];

export function timeZones(current: string): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: "timeZone") => string[] };
  let known: string[];
  try {
    known = intl.supportedValuesOf?.("timeZone") ?? FALLBACK;
  } catch {
    known = FALLBACK;
  }
  return [...new Set(["UTC", ...known, ...(current ? [current] : [])])].sort((a, b) => a.localeCompare(b));
}
