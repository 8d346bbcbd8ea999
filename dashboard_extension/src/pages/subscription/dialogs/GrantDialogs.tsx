import { useState } from "react";
import { useClient } from "urql";

import { StaffCreditGrantMutation, StaffDiscountCodeMutation, StaffFreePeriodsMutation } from "../../../api/detail";
import { useT } from "../../../i18n/useT";
import { money } from "../../subscriptions/format";
import { fromCents, toCents } from "./amounts";
import { DialogShell, Field, optional, Preview, refusalsOf, useRunner } from "./shell";
import type { DialogProps } from "./types";

const WHOLE = /^\d+$/;

/** The next periods of an active subscription are not billed; it stays active, its dates do not move. */
export function FreePeriodsDialog({ detail, onDone, onClose }: DialogProps) {
  const t = useT();
  const client = useClient();
  const [periods, setPeriods] = useState("1");
  const [reason, setReason] = useState("");
  const { errors, setErrors, busy, run } = useRunner(onDone);
  const count = WHOLE.test(periods.trim()) ? Number(periods.trim()) : NaN;
  const period = toCents(detail.amount);
  const lines =
    Number.isNaN(count) || count < 1
      ? []
      : [
          period === null
            ? t("dd.free.channel", { count })
            : t("dd.free.amount", { count, amount: money(fromCents(period * BigInt(count)), detail.currency) }),
        ];
  const submit = () => {
    if (Number.isNaN(count) || count < 1 || count > 120) {
      setErrors({ periods: t("dd.free.invalid") });
      return;
    }
    void run(async () => {
      const result = await client
        .mutation(StaffFreePeriodsMutation, { id: detail.id, periods: count, reason: optional(reason) })
        .toPromise();
      return refusalsOf(result, result.data?.staffSubscriptionFreePeriodsGrant?.errors);
    }, t("dd.done.freePeriods"));
  };
  return (
    <DialogShell
      kind="freePeriods"
      title={t("dd.act.freePeriods")}
      text={t("dd.confirm.freePeriods")}
      fields={["periods", "reason"]}
      errors={errors}
      busy={busy}
      onSubmit={submit}
      onClose={onClose}
    >
      <Field name="periods" type="number" label={t("dd.free.periods")} value={periods} onChange={setPeriods} errors={errors} />
      <Field name="reason" label={t("act.reason")} value={reason} onChange={setReason} errors={errors} />
      {lines.length > 0 && <Preview lines={lines} />}
    </DialogShell>
  );
}

/** Credit on the customer's balance (a numbered credit note), used first by every later invoice. */
export function CreditGrantDialog({ detail, onDone, onClose }: DialogProps) {
  const t = useT();
  const client = useClient();
  const [amount, setAmount] = useState("");
  const [reason, setReason] = useState("");
  const { errors, setErrors, busy, run } = useRunner(onDone);
  const cents = toCents(amount);
  const balance = toCents(detail.creditBalance?.find((c) => c.currency === detail.currency)?.amount ?? "0") ?? 0n;
  const lines =
    cents !== null && cents > 0n
      ? [
          t("dd.credit.note", { amount: money(fromCents(cents), detail.currency) }),
          t("dd.credit.balance", {
            before: money(fromCents(balance), detail.currency),
            after: money(fromCents(balance + cents), detail.currency),
          }),
        ]
      : [];
  const submit = () => {
    if (cents === null || cents <= 0n) {
      setErrors({ amount: t("dd.credit.invalid") });
      return;
    }
    void run(async () => {
      const result = await client
        .mutation(StaffCreditGrantMutation, { id: detail.id, amount: amount.trim(), reason: optional(reason) })
        .toPromise();
      return refusalsOf(result, result.data?.staffSubscriptionCreditGrant?.errors);
    }, t("dd.done.creditGrant"));
  };
  return (
    <DialogShell
      kind="creditGrant"
      title={t("dd.act.creditGrant")}
      text={t("dd.confirm.creditGrant", { currency: detail.currency })}
      fields={["amount", "reason"]}
      errors={errors}
      busy={busy}
      onSubmit={submit}
      onClose={onClose}
    >
      <Field name="amount" label={t("dd.credit.amount", { currency: detail.currency })} value={amount} onChange={setAmount} errors={errors} />
      <Field name="reason" label={t("dd.credit.reason")} value={reason} onChange={setReason} errors={errors} />
      {lines.length > 0 && <Preview lines={lines} />}
    </DialogShell>
  );
}

/** One of the shop's discount codes on the running subscription, from its next invoice. */
export function DiscountCodeDialog({ detail, onDone, onClose }: DialogProps) {
  const t = useT();
  const client = useClient();
  const [code, setCode] = useState("");
  const [reason, setReason] = useState("");
  const { errors, setErrors, busy, run } = useRunner(onDone);
  const submit = () => {
    if (!code.trim()) {
      setErrors({ discountCode: t("dd.discount.required") });
      return;
    }
    void run(async () => {
      const result = await client
        .mutation(StaffDiscountCodeMutation, { id: detail.id, discountCode: code.trim(), reason: optional(reason) })
        .toPromise();
      return refusalsOf(result, result.data?.staffSubscriptionDiscountCodeAdd?.errors);
    }, t("dd.done.discountCode"));
  };
  return (
    <DialogShell
      kind="discountCode"
      title={t("dd.act.discountCode")}
      text={t("dd.confirm.discountCode")}
      fields={["discountCode", "reason"]}
      errors={errors}
      busy={busy}
      onSubmit={submit}
      onClose={onClose}
    >
      <Field name="discountCode" label={t("dd.discountCode")} value={code} onChange={setCode} errors={errors} />
      <Field name="reason" label={t("act.reason")} value={reason} onChange={setReason} errors={errors} />
    </DialogShell>
  );
}
