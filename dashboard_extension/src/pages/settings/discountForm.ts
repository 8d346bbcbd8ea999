import type {
  DiscountCodeClearable,
  DiscountCodeCreateInput,
  DiscountCodeFieldsFragment,
  DiscountCodeUpdateInput,
  DiscountDurationEnum,
  DiscountKindEnum,
  DiscountTargetEnum,
} from "../../gql/graphql";
import { wholeNumber } from "./shopSettings";

/** A discount code's form: every option of `DiscountCodeCreateInput`, as the owner types it. */
export interface DiscountForm {
  code: string;
  kind: DiscountKindEnum;
  percent: string;
  amountOff: string;
  currency: string;
  duration: DiscountDurationEnum;
  durationPeriods: string;
  appliesTo: DiscountTargetEnum;
  plans: string;
  maxRedemptions: string;
  maxPerCustomer: string;
  validFrom: string;
  validUntil: string;
}

export const EMPTY_DISCOUNT: DiscountForm = {
  code: "",
  kind: "PERCENTAGE",
  percent: "",
  amountOff: "",
  currency: "",
  duration: "ONCE",
  durationPeriods: "",
  appliesTo: "PRICE",
  plans: "",
  maxRedemptions: "",
  maxPerCustomer: "",
  validFrom: "",
  validUntil: "",
};

/** `2026-12-01T09:30:00+00:00` as a `datetime-local` value in the browser's zone; "" for none. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** A `datetime-local` value (the browser's zone) as an ISO date-time with its offset; null for "". */
export function fromLocalInput(value: string): string | null {
  return value ? new Date(value).toISOString() : null;
}

/** The form of a saved code (the API answers kind, duration and target in lower case). */
export function discountFormOf(code: DiscountCodeFieldsFragment): DiscountForm {
  return {
    code: code.code,
    kind: code.kind.toUpperCase() as DiscountKindEnum,
    percent: code.percent ?? "",
    amountOff: code.amountOff ?? "",
    currency: code.currency,
    duration: code.duration.toUpperCase() as DiscountDurationEnum,
    durationPeriods: code.durationPeriods === null || code.durationPeriods === undefined ? "" : String(code.durationPeriods),
    appliesTo: code.appliesTo.toUpperCase() as DiscountTargetEnum,
    plans: code.plans.join("\n"),
    maxRedemptions: code.maxRedemptions === null || code.maxRedemptions === undefined ? "" : String(code.maxRedemptions),
    maxPerCustomer: code.maxPerCustomer === null || code.maxPerCustomer === undefined ? "" : String(code.maxPerCustomer),
    validFrom: toLocalInput(code.validFrom),
    validUntil: toLocalInput(code.validUntil),
  };
}

/** The plan ids of the form's plans (one a line; typed ones may be separated by spaces or commas). */
export function planIds(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/** A count typed by the owner: null when empty; -1 when it is no whole number, so the API names the field. */
function count(text: string): number | null {
  return text.trim() ? (wholeNumber(text) ?? -1) : null;
}

/** The create input: what the owner filled in; the amount and currency only for a fixed amount, the percent
 * only for a percentage, the number of invoices only when repeating. */
export function createInput(form: DiscountForm): DiscountCodeCreateInput {
  const input: DiscountCodeCreateInput = {
    code: form.code.trim(),
    kind: form.kind,
    duration: form.duration,
    appliesTo: form.appliesTo,
  };
  if (form.kind === "PERCENTAGE") input.percent = form.percent.trim() || null;
  if (form.kind === "FIXED") {
    input.amountOff = form.amountOff.trim() || null;
    input.currency = form.currency.trim().toUpperCase() || null;
  }
  if (form.duration === "REPEATING") input.durationPeriods = count(form.durationPeriods);
  const plans = planIds(form.plans);
  if (plans.length > 0) input.plans = plans;
  const maxRedemptions = count(form.maxRedemptions);
  if (maxRedemptions !== null) input.maxRedemptions = maxRedemptions;
  const maxPerCustomer = count(form.maxPerCustomer);
  if (maxPerCustomer !== null) input.maxPerCustomer = maxPerCustomer;
  const validFrom = fromLocalInput(form.validFrom);
  if (validFrom) input.validFrom = validFrom;
  const validUntil = fromLocalInput(form.validUntil);
  if (validUntil) input.validUntil = validUntil;
  return input;
}

const CLEARABLE: [keyof DiscountForm, DiscountCodeClearable][] = [
  ["plans", "PLANS"],
  ["maxRedemptions", "MAX_REDEMPTIONS"],
  ["maxPerCustomer", "MAX_PER_CUSTOMER"],
  ["validFrom", "VALID_FROM"],
  ["validUntil", "VALID_UNTIL"],
];

/** The update input: only what changed; a limit, date or plan list emptied goes in `clear`. */
export function updateInput(saved: DiscountForm, form: DiscountForm): DiscountCodeUpdateInput {
  const changed = (name: keyof DiscountForm) => form[name].trim() !== saved[name].trim();
  const next = createInput(form);
  const input: DiscountCodeUpdateInput = {};
  if (changed("code")) input.code = next.code;
  if (changed("kind")) input.kind = next.kind;
  if (changed("kind") || changed("percent")) if (form.kind === "PERCENTAGE") input.percent = next.percent ?? null;
  if (changed("kind") || changed("amountOff") || changed("currency")) {
    if (form.kind === "FIXED") {
      input.amountOff = next.amountOff ?? null;
      input.currency = next.currency ?? null;
    }
  }
  if (changed("duration")) input.duration = next.duration;
  if ((changed("duration") || changed("durationPeriods")) && form.duration === "REPEATING") {
    input.durationPeriods = next.durationPeriods ?? null;
  }
  if (changed("appliesTo")) input.appliesTo = next.appliesTo;
  const clear: DiscountCodeClearable[] = [];
  for (const [name, clearable] of CLEARABLE) {
    if (!changed(name)) continue;
    if (!form[name].trim()) {
      clear.push(clearable);
    } else if (name === "plans") {
      input.plans = next.plans ?? null;
    } else {
      (input as Record<string, unknown>)[name] = next[name as keyof DiscountCodeCreateInput];
    }
  }
  if (clear.length > 0) input.clear = clear;
  return input;
}

/** What a code takes off, in words the list shows: "10%", "5.00 EUR". */
export function amountOff(code: Pick<DiscountCodeFieldsFragment, "kind" | "percent" | "amountOff" | "currency">): string {
  return code.kind.toLowerCase() === "percentage" ? `${code.percent ?? ""}%` : `${code.amountOff ?? ""} ${code.currency}`;
}
