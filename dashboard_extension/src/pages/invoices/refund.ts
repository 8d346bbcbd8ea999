/** The amounts a staff refund moves, shown before it is sent (docs/dashboard.md, "An invoice"). */

export type RefundAs = "MONEY_BACK" | "CREDIT_NOTE";

export interface RefundPreview {
  /** What is given back ("12.50"). */
  amount: string;
  /** What is left to give back afterwards. */
  leftAfter: string;
  /** What the customer's credit balance gains (0 for money back). */
  creditAdded: string;
  /** Given back to the card or account at Stripe (0 for a credit note). */
  moneyBack: string;
  full: boolean;
}

const AMOUNT = /^\d+(\.\d+)?$/;

function decimalsOf(text: string): number {
  return (text.split(".")[1] ?? "").length;
}

/** An amount as whole minor units (`"12.50"`, 2 → 1250); null when it has more decimals than the currency. */
function minor(text: string, decimals: number): bigint | null {
  if (!AMOUNT.test(text) || decimalsOf(text) > decimals) {
    return null;
  }
  const [whole, fraction = ""] = text.split(".");
  return BigInt(whole + fraction.padEnd(decimals, "0"));
}

function shown(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(decimals + 1, "0");
  const text = decimals ? `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}` : digits;
  return negative ? `-${text}` : text;
}

/**
 * The preview of a refund of `typed` (empty: all that is left) of an invoice with `refundable` left, as money
 * back or as a credit note. Answers an error key instead when the amount cannot be sent: not a positive amount
 * in the currency's minor units, or more than is left. The API checks again (and, for money back, what the
 * charge has left at Stripe).
 */
export function refundPreview(
  refundable: string,
  typed: string,
  as: RefundAs,
): RefundPreview | { error: "refund.invalidAmount" | "refund.tooLarge" | "refund.nothingLeft" } {
  const decimals = decimalsOf(refundable);
  const left = minor(refundable, decimals) ?? 0n;
  if (left <= 0n) {
    return { error: "refund.nothingLeft" };
  }
  const text = typed.trim().replace(",", ".");
  const wanted = text === "" ? left : minor(text, decimals);
  if (wanted === null || wanted <= 0n) {
    return { error: "refund.invalidAmount" };
  }
  if (wanted > left) {
    return { error: "refund.tooLarge" };
  }
  const zero = shown(0n, decimals);
  return {
    amount: shown(wanted, decimals),
    leftAfter: shown(left - wanted, decimals),
    creditAdded: as === "CREDIT_NOTE" ? shown(wanted, decimals) : zero,
    moneyBack: as === "MONEY_BACK" ? shown(wanted, decimals) : zero,
    full: wanted === left,
  };
}
