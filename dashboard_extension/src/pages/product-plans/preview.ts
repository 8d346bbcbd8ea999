import type { SchedulePreviewQuery } from "../../gql/graphql";

type Charge = SchedulePreviewQuery["schedulePreview"]["charges"][number];

/** "16 Nov" in the page's language, for a local ISO date ("2026-11-16"); English days come first, as in
 * the app's documents. */
export function shortDate(iso: string, locale: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  return new Intl.DateTimeFormat(locale === "en" ? "en-GB" : locale, { day: "numeric", month: "short", timeZone: "UTC" }).format(
    new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)),
  );
}

/** The days of a prorated charge, read from the engine's proration line ("(15 of 30 days)"). */
export function proratedDays(charge: Charge): { days: number; total: number } | null {
  for (const line of charge.lines) {
    const match = line.kind === "proration" ? /\((\d+) of (\d+) days\)/.exec(line.description) : null;
    if (match) {
      return { days: Number(match[1]), total: Number(match[2]) };
    }
  }
  return null;
}

export function isTrial(charge: Charge): boolean {
  return charge.lines.some((line) => line.kind === "trial");
}
