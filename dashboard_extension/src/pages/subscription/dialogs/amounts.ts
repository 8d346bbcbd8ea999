// Money for the previews, in hundredths as integers (the API's Decimal strings carry at most two places for
// the shop's currencies): no floating-point sums. The API computes what is charged; these say it beforehand.

/** "12.5" → 1250n; null for text that is not a plain decimal. */
export function toCents(text: string | null | undefined): bigint | null {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec((text ?? "").trim());
  if (!match) {
    return null;
  }
  const cents = BigInt(match[2] ?? "0") * 100n + BigInt((match[3] ?? "").padEnd(2, "0") || "0");
  return match[1] ? -cents : cents;
}

/** 1250n → "12.50". */
export function fromCents(cents: bigint): string {
  const sign = cents < 0n ? "-" : "";
  const whole = cents < 0n ? -cents : cents;
  return `${sign}${whole / 100n}.${(whole % 100n).toString().padStart(2, "0")}`;
}

/** `amount × numerator / denominator`, rounded half up to the hundredth. */
export function share(cents: bigint, numerator: number, denominator: number): bigint {
  if (denominator <= 0) {
    return 0n;
  }
  const scaled = cents * BigInt(numerator) * 2n;
  const d = BigInt(denominator) * 2n;
  return (scaled + BigInt(denominator)) / d;
}

/** Whole days from `from` to `to` (`YYYY-MM-DD`, `to` exclusive). */
export function daysBetween(from: string, to: string): number {
  const start = Date.parse(`${from.slice(0, 10)}T00:00:00Z`);
  const end = Date.parse(`${to.slice(0, 10)}T00:00:00Z`);
  return Math.round((end - start) / 86_400_000);
}

/** What an invoice still has to give back: its total less its credit notes (never below 0). */
export function refundableCents(total: string, creditNotes: readonly { amount: string }[]): bigint {
  const left = (toCents(total) ?? 0n) - creditNotes.reduce((sum, note) => sum + (toCents(note.amount) ?? 0n), 0n);
  return left > 0n ? left : 0n;
}

/**
 * A quantity change's money: the period's new price, and for an increase about what the rest of the current
 * period costs now (pro rata by days, as BILLING_RULES §7 charges it on a change invoice). Null without a unit
 * price (the plan follows the channel's price, which the page does not know).
 */
export function quantityPreview(
  unit: string | null | undefined,
  from: number,
  to: number,
  period: { start: string; end: string; today: string },
): { periodPrice: string; nowCharge: string | null } | null {
  const cents = toCents(unit);
  if (cents === null || !Number.isInteger(to) || to < 1) {
    return null;
  }
  const periodPrice = fromCents(cents * BigInt(to));
  if (to <= from) {
    return { periodPrice, nowCharge: null };
  }
  const total = daysBetween(period.start, period.end);
  const left = Math.max(0, Math.min(total, daysBetween(period.today, period.end)));
  return { periodPrice, nowCharge: fromCents(share(cents * BigInt(to - from), left, total)) };
}
