import { useCallback, useMemo } from "react";
import { useIntl } from "react-intl";

/** "60.00 USD": the API's Decimal as it is, with its currency. */
export function money(amount: string | null | undefined, currency: string): string {
  return amount === null || amount === undefined ? "" : `${amount} ${currency}`;
}

/** Dates in the dashboard's language: a day (`2026-11-16`, read as that day) or a moment (in the browser's
 * zone). */
export function useDates() {
  const intl = useIntl();
  const day = useCallback(
    (value: string | null | undefined) =>
      value
        ? intl.formatDate(`${value.slice(0, 10)}T00:00:00Z`, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" })
        : "",
    [intl],
  );
  const moment = useCallback(
    (value: string | null | undefined) =>
      value
        ? intl.formatDate(value, { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" })
        : "",
    [intl],
  );
  return useMemo(() => ({ day, moment }), [day, moment]);
}
