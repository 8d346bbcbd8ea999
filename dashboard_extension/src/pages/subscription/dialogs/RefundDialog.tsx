import { useMemo, useState } from "react";
import { useClient } from "urql";

import { StaffInvoiceRefundMutation } from "../../../api/detail";
import type { InvoiceRefundAs } from "../../../gql/graphql";
import { useT } from "../../../i18n/useT";
import { SelectField } from "../../../ui/fields";
import { money } from "../../subscriptions/format";
import { fromCents, refundableCents, toCents } from "./amounts";
import { DialogShell, Field, optional, Preview, refusalsOf, useRunner } from "./shell";
import type { Invoice } from "./types";

/** Whether a paid invoice has something left to give back. */
export function canRefund(invoice: Invoice): boolean {
  return invoice.status === "PAID" && refundableCents(invoice.total, invoice.creditNotes) > 0n;
}

/**
 * Gives back all or part of a paid invoice: money back on its Stripe charge (a credit note documents it), or a
 * credit note on the customer's balance. One idempotency key per dialog, so a retried confirm refunds once.
 */
export function RefundDialog({ invoice, onDone, onClose }: { invoice: Invoice; onDone: () => void; onClose: () => void }) {
  const t = useT();
  const client = useClient();
  const left = refundableCents(invoice.total, invoice.creditNotes);
  const [amount, setAmount] = useState("");
  const [as, setAs] = useState<InvoiceRefundAs>("MONEY_BACK");
  const [reason, setReason] = useState("");
  const key = useMemo(() => `dashboard-${invoice.id}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`, [invoice.id]);
  const { errors, setErrors, busy, run } = useRunner(onDone);
  const cents = amount.trim() ? toCents(amount) : left;
  const shown = money(fromCents(cents ?? 0n), invoice.currency);
  const lines =
    cents !== null && cents > 0n && cents <= left
      ? [
          t(as === "MONEY_BACK" ? "dd.refund.moneyBack" : "dd.refund.creditNote", { amount: shown }),
          t("dd.refund.left", { left: money(fromCents(left - cents), invoice.currency) }),
        ]
      : [];
  const submit = () => {
    if (cents === null || cents <= 0n || cents > left) {
      setErrors({ amount: t("dd.refund.invalid", { left: money(fromCents(left), invoice.currency) }) });
      return;
    }
    void run(async () => {
      const result = await client
        .mutation(StaffInvoiceRefundMutation, {
          id: invoice.id,
          amount: amount.trim() || null,
          as,
          idempotencyKey: key,
          reason: optional(reason),
        })
        .toPromise();
      return refusalsOf(result, result.data?.staffInvoiceRefund?.errors);
    }, t("dd.done.refund"));
  };
  return (
    <DialogShell
      kind="refund"
      title={t("dd.act.refund")}
      text={t("dd.confirm.refund", {
        invoice: invoice.number ?? "",
        total: money(invoice.total, invoice.currency),
        left: money(fromCents(left), invoice.currency),
      })}
      fields={["amount", "as", "reason"]}
      errors={errors}
      busy={busy}
      onSubmit={submit}
      onClose={onClose}
    >
      <Field
        name="amount"
        label={t("dd.refund.amount", { currency: invoice.currency })}
        value={amount}
        onChange={setAmount}
        errors={errors}
        help={t("dd.refund.amountHelp", { left: money(fromCents(left), invoice.currency) })}
      />
      <SelectField label={t("dd.refund.as")} name="as" value={as} onChange={(value) => setAs(value as InvoiceRefundAs)}>
        <option value="MONEY_BACK">{t("dd.refund.as.MONEY_BACK")}</option>
        <option value="CREDIT_NOTE">{t("dd.refund.as.CREDIT_NOTE")}</option>
      </SelectField>
      <Field name="reason" label={t("act.reason")} value={reason} onChange={setReason} errors={errors} />
      {lines.length > 0 && <Preview lines={lines} />}
    </DialogShell>
  );
}
