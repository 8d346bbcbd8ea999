import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { useId, useMemo, useState, type FormEvent } from "react";
import { useClient } from "urql";

import { errorsByField } from "../../api/errors";
import { useNotify } from "../../bridge/hooks";
import { useT } from "../../i18n/useT";
import { SelectField } from "../../ui/fields";
import { money } from "../subscriptions/format";
import { EMPTY_INVOICE_FORM, runInvoiceAction, type InvoiceActionForm, type InvoiceActionKind } from "./actions";
import { refundPreview, type RefundAs } from "./refund";

/** The invoice a dialog acts on. */
export interface InvoiceTarget {
  id: string;
  number: string;
  currency: string;
  amountDue: string;
  refundable: string;
}

const FORM_FIELDS = new Set(["reference", "paidOn", "reason", "amount", "as"]);

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function newKey(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Confirms an invoice action in the page (a dashboard frame may not open browser dialogs). A refund shows what
 * moves before it is sent: the amount, as money back or as credit, and what is left. A refusal shows as a
 * dashboard notification with the API's message and field, and on the field here; the dialog stays open.
 */
export function InvoiceActionDialog({
  kind,
  invoice,
  onDone,
  onClose,
}: {
  kind: InvoiceActionKind;
  invoice: InvoiceTarget;
  onDone: () => void;
  onClose: () => void;
}) {
  const t = useT();
  const client = useClient();
  const notify = useNotify();
  const titleId = useId();
  const idempotencyKey = useMemo(newKey, []);
  const [form, setForm] = useState<InvoiceActionForm>({ ...EMPTY_INVOICE_FORM, paidOn: today() });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const preview = kind === "refund" ? refundPreview(invoice.refundable, form.amount, form.as) : null;
  const previewError = preview && "error" in preview ? preview.error : null;
  const values = { invoice: invoice.number, amount: money(invoice.amountDue, invoice.currency) };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (previewError) {
      setErrors({ amount: t(previewError, { left: money(invoice.refundable, invoice.currency) }) });
      return;
    }
    setBusy(true);
    const refused = await runInvoiceAction(client, kind, invoice.id, form, idempotencyKey);
    setBusy(false);
    if (refused.length > 0) {
      setErrors(errorsByField(refused));
      notify.error(t("act.refused"), refused);
      return;
    }
    notify.success(t(`inv.done.${kind}`));
    onDone();
  };
  const others = Object.entries(errors)
    .filter(([name]) => !FORM_FIELDS.has(name))
    .map(([name, message]) => (name ? `${name}: ${message}` : message));
  // A help text goes below the field in the page's own colour (macaw-ui's helper text is too faint for WCAG AA).
  const field = (name: keyof InvoiceActionForm, label: string, type: "text" | "date" = "text", help?: string) => (
    <Box display="flex" flexDirection="column" gap={1}>
      <Input
        name={name}
        type={type}
        label={label}
        value={form[name]}
        error={Boolean(errors[name])}
        aria-invalid={Boolean(errors[name])}
        role={undefined}
        helperText={errors[name]}
        onChange={(event) => {
          setForm({ ...form, [name]: event.target.value });
          setErrors({});
        }}
      />
      {help && !errors[name] && <Text size={2}>{help}</Text>}
    </Box>
  );

  return (
    <Box
      role="dialog"
      aria-modal="true"
      aria-labelledby={titleId}
      data-dialog={kind}
      display="flex"
      flexDirection="column"
      gap={3}
      padding={5}
      borderWidth={1}
      borderStyle="solid"
      borderColor="default1"
      borderRadius={4}
      backgroundColor="default1"
    >
      <Text as="h2" id={titleId} size={6} fontWeight="bold">
        {t(`inv.act.${kind}`)}
      </Text>
      <Text>
        {kind === "refund"
          ? t("inv.confirm.refund", { invoice: invoice.number, left: money(invoice.refundable, invoice.currency) })
          : t(`act.confirm.${kind}`, values)}
      </Text>
      <Box as="form" display="flex" flexDirection="column" gap={3} onSubmit={submit} noValidate>
        {kind === "markPaid" && field("reference", t("act.reference"))}
        {kind === "markPaid" && field("paidOn", t("act.paidOn"), "date")}
        {kind === "refund" && (
          <>
            {field("amount", t("refund.amount", { currency: invoice.currency }), "text", t("refund.amountHelp"))}
            <SelectField
              label={t("refund.as")}
              name="as"
              value={form.as}
              onChange={(as) => setForm({ ...form, as: as as RefundAs })}
            >
              <option value="MONEY_BACK">{t("refund.as.MONEY_BACK")}</option>
              <option value="CREDIT_NOTE">{t("refund.as.CREDIT_NOTE")}</option>
            </SelectField>
            <RefundPreviewBox preview={preview} currency={invoice.currency} left={invoice.refundable} />
          </>
        )}
        {field("reason", t("act.reason"))}
        {others.length > 0 && (
          <Text color="critical1" role="alert" data-refusal>
            {others.join("; ")}
          </Text>
        )}
        <Box display="flex" gap={2}>
          <Button type="submit" variant="primary" disabled={busy || Boolean(previewError)} data-action="confirm">
            {kind === "refund" && preview && !previewError && "amount" in preview
              ? t("refund.confirm", { amount: money(preview.amount, invoice.currency) })
              : t("act.confirm")}
          </Button>
          <Button type="button" variant="secondary" onClick={onClose}>
            {t("act.back")}
          </Button>
        </Box>
      </Box>
    </Box>
  );
}

function RefundPreviewBox({
  preview,
  currency,
  left,
}: {
  preview: ReturnType<typeof refundPreview> | null;
  currency: string;
  left: string;
}) {
  const t = useT();
  if (!preview) {
    return null;
  }
  if ("error" in preview) {
    return (
      <Text color="critical1" data-refund-preview="invalid">
        {t(preview.error, { left: money(left, currency) })}
      </Text>
    );
  }
  const rows: [string, string, string][] = [
    ["amount", t("refund.preview.amount"), money(preview.amount, currency)],
    ["moneyBack", t("refund.preview.moneyBack"), money(preview.moneyBack, currency)],
    ["creditAdded", t("refund.preview.creditAdded"), money(preview.creditAdded, currency)],
    ["leftAfter", t("refund.preview.leftAfter"), money(preview.leftAfter, currency)],
  ];
  return (
    <Box
      data-refund-preview="ok"
      padding={3}
      borderRadius={3}
      borderWidth={1}
      borderStyle="solid"
      borderColor="default1"
      aria-live="polite"
    >
      <Text as="h3" size={4} fontWeight="bold">
        {t("refund.preview.title")}
      </Text>
      <Box as="dl" display="grid" gap={1} style={{ gridTemplateColumns: "max-content 1fr" }}>
        {rows.map(([key, label, value]) => (
          <Box key={key} display="contents">
            <Box as="dt">
              <Text>{label}</Text>
            </Box>
            <Box as="dd" margin={0}>
              <Text data-preview={key}>{value}</Text>
            </Box>
          </Box>
        ))}
      </Box>
      <Text size={2}>{t(preview.full ? "refund.preview.full" : "refund.preview.part")}</Text>
    </Box>
  );
}
