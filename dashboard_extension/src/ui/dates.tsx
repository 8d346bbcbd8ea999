import { createContext, useCallback, useContext, useMemo, type ReactNode } from "react";
import { useIntl } from "react-intl";
import { useQuery } from "urql";

import { TimeZoneQuery } from "../api/detail";

// Dates as the shop keeps them: in the installation's time zone (`installationSettings.timeZone`, the zone of
// renewals and documents), not the browser's. Any page may use it.

/** A day (`2026-11-16`, or the day part of a moment's ISO text) as that calendar day, in `locale`. */
export function formatDay(value: string | null | undefined, locale: string): string {
  if (!value) {
    return "";
  }
  return new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(
    new Date(`${value.slice(0, 10)}T00:00:00Z`),
  );
}

/** A moment (ISO date-time with its offset) on the clock of `timeZone` (an IANA name), in `locale`. */
export function formatMoment(value: string | null | undefined, locale: string, timeZone: string): string {
  if (!value) {
    return "";
  }
  const options: Intl.DateTimeFormatOptions = {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  };
  try {
    return new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(new Date(value));
  } catch {
    // An unknown zone name: UTC, said so by the caller's zone label.
    return new Intl.DateTimeFormat(locale, { ...options, timeZone: "UTC" }).format(new Date(value));
  }
}

const ZoneContext = createContext<{ timeZone: string; known: boolean }>({ timeZone: "UTC", known: false });

/** Asks the installation's time zone once for the page below; "UTC" while it loads and for staff who may not
 * read the settings (MANAGE_SETTINGS), which the pages say beside their dates. */
export function TimeZoneProvider({ children }: { children: ReactNode }) {
  const [{ data }] = useQuery({ query: TimeZoneQuery });
  const zone = data?.installationSettings?.timeZone;
  const value = useMemo(() => ({ timeZone: zone || "UTC", known: Boolean(zone) }), [zone]);
  return <ZoneContext.Provider value={value}>{children}</ZoneContext.Provider>;
}

/** `day(...)` and `moment(...)` in the dashboard's language and the installation's zone, and that zone. */
export function useZonedDates() {
  const intl = useIntl();
  const { timeZone, known } = useContext(ZoneContext);
  const day = useCallback((value: string | null | undefined) => formatDay(value, intl.locale), [intl.locale]);
  const moment = useCallback(
    (value: string | null | undefined) => formatMoment(value, intl.locale, timeZone),
    [intl.locale, timeZone],
  );
  return useMemo(() => ({ day, moment, timeZone, known }), [day, moment, timeZone, known]);
}
