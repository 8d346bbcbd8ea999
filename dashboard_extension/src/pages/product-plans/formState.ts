import type { PlanFieldsFragment, PlanTermsInput } from "../../gql/graphql";

// The plan form's values as typed (text), and the API's PlanTermsInput they make. Empty optional fields are
// left out (the API's default) or sent as null where null means something (price: the channel's price;
// billingCycles: until cancelled; anchorDay; renewalReminderDays: the default).

export type Interval = "DAY" | "WEEK" | "MONTH" | "YEAR";
export type AnchorMode = "PURCHASE" | "DAY_OF_MONTH";
export type ShortMonthRule = "CLAMP" | "FIRST_OF_NEXT_MONTH";
export type CancelEffect = "PERIOD_END" | "IMMEDIATELY";

export interface UsageRow {
  metric: string;
  price: string;
}

export interface PlanFormValues {
  name: string;
  isDefault: boolean;
  interval: Interval;
  intervalCount: string;
  price: string;
  setupFee: string;
  trialDays: string;
  trialIntervals: string;
  billingCycles: string;
  anchorMode: AnchorMode;
  anchorDay: string;
  shortMonthRule: ShortMonthRule;
  invoiceLeadDays: string;
  renewalReminderDays: string;
  customerCanCancel: boolean;
  customerCanPause: boolean;
  minimumCycles: string;
  cancelNoticeDays: string;
  cancelEffect: CancelEffect;
  cancelCredit: boolean;
  priceChangeNoticeDays: string;
  usagePrices: UsageRow[];
  migrateSubscriptions: boolean;
  effectiveOn: string;
}

export const NEW_PLAN: PlanFormValues = {
  name: "",
  isDefault: false,
  interval: "MONTH",
  intervalCount: "1",
  price: "",
  setupFee: "0",
  trialDays: "0",
  trialIntervals: "0",
  billingCycles: "",
  anchorMode: "PURCHASE",
  anchorDay: "",
  shortMonthRule: "CLAMP",
  invoiceLeadDays: "0",
  renewalReminderDays: "",
  customerCanCancel: true,
  customerCanPause: false,
  minimumCycles: "0",
  cancelNoticeDays: "0",
  cancelEffect: "PERIOD_END",
  cancelCredit: true,
  priceChangeNoticeDays: "30",
  usagePrices: [],
  migrateSubscriptions: false,
  effectiveOn: "",
};

const text = (value: number | null | undefined) => (value === null || value === undefined ? "" : String(value));

/** A stored plan's current terms as form values (what an edit starts from). */
export function valuesOf(plan: PlanFieldsFragment): PlanFormValues {
  const terms = plan.terms;
  return {
    ...NEW_PLAN,
    name: plan.name,
    isDefault: plan.isDefault,
    interval: terms.interval,
    intervalCount: text(terms.intervalCount),
    price: terms.price ?? "",
    setupFee: terms.setupFee,
    trialDays: text(terms.trialDays),
    trialIntervals: text(terms.trialIntervals),
    billingCycles: text(terms.billingCycles),
    anchorMode: terms.anchorMode,
    anchorDay: text(terms.anchorDay),
    shortMonthRule: terms.shortMonthRule,
    invoiceLeadDays: text(terms.invoiceLeadDays),
    renewalReminderDays: text(terms.renewalReminderDays),
    customerCanCancel: terms.customerCanCancel,
    customerCanPause: terms.customerCanPause,
    minimumCycles: text(terms.minimumCycles),
    cancelNoticeDays: text(terms.cancelNoticeDays),
    cancelEffect: terms.cancelEffect,
    cancelCredit: terms.cancelCredit,
    priceChangeNoticeDays: text(terms.priceChangeNoticeDays),
    usagePrices: terms.usagePrices.map((u) => ({ metric: u.metric, price: u.price })),
  };
}

/** A whole number as typed; the text itself when it is not one, so that the API names the field. */
function count(value: string): number | undefined {
  const trimmed = value.trim();
  if (trimmed === "") {
    return undefined;
  }
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

const INT_FIELDS = [
  "intervalCount",
  "trialDays",
  "trialIntervals",
  "invoiceLeadDays",
  "minimumCycles",
  "cancelNoticeDays",
  "priceChangeNoticeDays",
] as const;

/** Fields whose text is not a whole number, named as the API names them. */
export function localErrors(values: PlanFormValues): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const name of [...INT_FIELDS, "billingCycles", "anchorDay", "renewalReminderDays"] as const) {
    if (Number.isNaN(count(values[name]))) {
      errors[name] = "a whole number";
    }
  }
  return errors;
}

/** The terms the form sets, as the API's PlanTermsInput. */
export function termsInput(values: PlanFormValues): PlanTermsInput {
  const input: PlanTermsInput = {
    interval: values.interval,
    anchorMode: values.anchorMode,
    shortMonthRule: values.shortMonthRule,
    customerCanCancel: values.customerCanCancel,
    customerCanPause: values.customerCanPause,
    cancelEffect: values.cancelEffect,
    cancelCredit: values.cancelCredit,
    price: values.price.trim() === "" ? null : values.price.trim(),
    setupFee: values.setupFee.trim() === "" ? "0" : values.setupFee.trim(),
    billingCycles: count(values.billingCycles) ?? null,
    anchorDay: values.anchorMode === "DAY_OF_MONTH" ? (count(values.anchorDay) ?? null) : null,
    renewalReminderDays: count(values.renewalReminderDays) ?? null,
    usagePrices: values.usagePrices
      .filter((row) => row.metric.trim() !== "" || row.price.trim() !== "")
      .map((row) => ({ metric: row.metric.trim(), price: row.price.trim() })),
  };
  for (const name of INT_FIELDS) {
    const value = count(values[name]);
    if (value !== undefined && !Number.isNaN(value)) {
      input[name] = value;
    }
  }
  return input;
}
