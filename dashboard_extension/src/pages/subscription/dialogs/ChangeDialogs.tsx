import { useState } from "react";
import { useClient } from "urql";

import { StaffPriceChangeMutation, StaffQuantityMutation } from "../../../api/detail";
import { useT } from "../../../i18n/useT";
import { useZonedDates } from "../../../ui/dates";
import { money } from "../../subscriptions/format";
import { fromCents, quantityPreview, toCents } from "./amounts";
import { DialogShell, Field, optional, Preview, refusalsOf, useRunner } from "./shell";
import type { DialogProps } from "./types";

const WHOLE = /^\d+$/;

function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The number of units: an increase now with the rest of the period charged pro rata, a decrease at the end
 * of the period (the preview says which, and about how much). */
export function QuantityDialog({ detail, onDone, onClose }: DialogProps) {
  const t = useT();
  const client = useClient();
  const [quantity, setQuantity] = useState(String(detail.quantity));
  const [reason, setReason] = useState("");
  const { errors, setErrors, busy, run } = useRunner(onDone);
  const whole = WHOLE.test(quantity.trim()) ? Number(quantity.trim()) : NaN;
  const unit = detail.unitPrice ?? detail.plan.terms.price;
  const money_ = quantityPreview(unit, detail.quantity, whole, {
    start: detail.currentPeriodStart,
    end: detail.currentPeriodEnd,
    today: todayIso(),
  });
  const lines: string[] = [];
  if (!Number.isNaN(whole) && whole >= 1 && whole !== detail.quantity) {
    if (money_) {
      lines.push(t("dd.quantity.period", { price: money(money_.periodPrice, detail.currency) }));
    }
    lines.push(
      money_?.nowCharge
        ? t("dd.quantity.now", { amount: money(money_.nowCharge, detail.currency) })
        : whole > detail.quantity
          ? t("dd.quantity.nowUnknown")
          : t("dd.quantity.later"),
    );
  }
  const submit = () => {
    if (Number.isNaN(whole) || whole < 1) {
      setErrors({ quantity: t("dd.quantity.invalid") });
      return;
    }
    void run(async () => {
      const result = await client
        .mutation(StaffQuantityMutation, { id: detail.id, quantity: whole, reason: optional(reason) })
        .toPromise();
      return refusalsOf(result, result.data?.staffSubscriptionQuantityChange?.errors);
    }, t("dd.done.quantity"));
  };
  return (
    <DialogShell
      kind="quantity"
      title={t("dd.act.quantity")}
      text={t("dd.confirm.quantity", { quantity: detail.quantity })}
      fields={["quantity", "reason"]}
      errors={errors}
      busy={busy}
      onSubmit={submit}
      onClose={onClose}
    >
      <Field name="quantity" type="number" label={t("dd.quantity")} value={quantity} onChange={setQuantity} errors={errors} />
      <Field name="reason" label={t("act.reason")} value={reason} onChange={setReason} errors={errors} />
      {lines.length > 0 && <Preview lines={lines} />}
    </DialogShell>
  );
}

/** Moves the subscription to the newest version of its plan, from the first period boundary on or after the
 * day given (at the earliest today + the version's notice days); the customer is told now. */
export function PriceChangeDialog({ detail, onDone, onClose }: DialogProps) {
  const t = useT();
  const dates = useZonedDates();
  const client = useClient();
  const latest = detail.plan.terms.version;
  const [version, setVersion] = useState(String(latest));
  const [effectiveOn, setEffectiveOn] = useState("");
  const [reason, setReason] = useState("");
  const { errors, setErrors, busy, run } = useRunner(onDone);
  const price = toCents(detail.plan.terms.price);
  const lines = [
    price === null
      ? t("dd.price.channel")
      : t("dd.price.new", {
          price: money(fromCents(price * BigInt(detail.quantity)), detail.currency),
          old: money(detail.amount, detail.currency),
        }),
    t("dd.price.notice", {
      days: detail.plan.terms.priceChangeNoticeDays,
      date: effectiveOn ? dates.day(effectiveOn) : t("dd.price.earliest"),
    }),
  ];
  const submit = () => {
    if (!WHOLE.test(version.trim())) {
      setErrors({ version: t("dd.price.versionInvalid") });
      return;
    }
    void run(async () => {
      const result = await client
        .mutation(StaffPriceChangeMutation, {
          id: detail.id,
          version: Number(version.trim()),
          effectiveOn: effectiveOn || null,
          reason: optional(reason),
        })
        .toPromise();
      return refusalsOf(result, result.data?.staffSubscriptionPriceChange?.errors);
    }, t("dd.done.priceChange"));
  };
  return (
    <DialogShell
      kind="priceChange"
      title={t("dd.act.priceChange")}
      text={t("dd.confirm.priceChange", { from: detail.terms.version, to: latest })}
      fields={["version", "effectiveOn", "reason"]}
      errors={errors}
      busy={busy}
      onSubmit={submit}
      onClose={onClose}
    >
      <Field name="version" type="number" label={t("dd.price.version")} value={version} onChange={setVersion} errors={errors} />
      <Field
        name="effectiveOn"
        type="date"
        label={t("dd.price.effectiveOn")}
        value={effectiveOn}
        onChange={setEffectiveOn}
        errors={errors}
        help={t("dd.price.effectiveHelp")}
      />
      <Field name="reason" label={t("act.reason")} value={reason} onChange={setReason} errors={errors} />
      <Preview lines={lines} />
    </DialogShell>
  );
}
