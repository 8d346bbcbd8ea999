import { Box, Button, Text } from "@saleor/macaw-ui";
import { useId, useState, type FormEvent } from "react";
import { useMutation } from "urql";

import { errorsByField, type FieldError } from "../../api/errors";
import { DiscountCodeCreateMutation, DiscountCodeUpdateMutation } from "../../api/settings";
import { useNotify } from "../../bridge/hooks";
import type { DiscountCodeFieldsFragment, DiscountDurationEnum, DiscountKindEnum, DiscountTargetEnum } from "../../gql/graphql";
import { useT } from "../../i18n/useT";
import type { MessageId } from "../../i18n/messages";
import { SelectField } from "../../ui/fields";
import { otherErrors, Refusal, resultErrors, TextField } from "./common";
import { DiscountPlanPicker } from "./DiscountPlanPicker";
import { createInput, discountFormOf, EMPTY_DISCOUNT, updateInput, type DiscountForm } from "./discountForm";

const FIELDS = [
  "code", "kind", "percent", "amountOff", "currency", "duration", "durationPeriods", "appliesTo", "plans",
  "maxRedemptions", "maxPerCustomer", "validFrom", "validUntil", "reason", "clear",
];

/** A new discount code, or changes to one (BILLING_RULES §9): every option of the input, the API's field
 * errors on their fields and as a dashboard notification, and a reason kept on the code's event. */
export function DiscountCodeForm({
  code,
  onSaved,
  onClose,
}: {
  code: DiscountCodeFieldsFragment | null;
  onSaved: () => void;
  onClose: () => void;
}) {
  const t = useT();
  const notify = useNotify();
  const titleId = useId();
  const saved = code ? discountFormOf(code) : EMPTY_DISCOUNT;
  const [form, setForm] = useState<DiscountForm>(saved);
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [creating, create] = useMutation(DiscountCodeCreateMutation);
  const [updating, update] = useMutation(DiscountCodeUpdateMutation);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    let refused: FieldError[];
    if (code) {
      const result = await update({ id: code.id, input: updateInput(saved, form), reason: reason.trim() || null });
      refused = resultErrors(result.error, result.data?.staffDiscountCodeUpdate);
    } else {
      const result = await create({ input: createInput(form), reason: reason.trim() || null });
      refused = resultErrors(result.error, result.data?.staffDiscountCodeCreate);
    }
    setErrors(errorsByField(refused));
    if (refused.length > 0) {
      notify.error(t("set.codes.saveFailed"), refused);
      return;
    }
    notify.success(code ? t("set.codes.saved") : t("set.codes.created"));
    onSaved();
  };

  const text = (name: keyof DiscountForm, label: MessageId, opts: { type?: "text" | "number" | "datetime-local"; help?: string } = {}) => (
    <TextField
      name={name}
      type={opts.type ?? "text"}
      label={t(label)}
      value={form[name]}
      error={errors[name]}
      help={opts.help}
      onChange={(value) => setForm({ ...form, [name]: value })}
    />
  );
  const fieldError = (name: string) =>
    errors[name] ? (
      <Text size={2} color="critical1" role="alert">
        {errors[name]}
      </Text>
    ) : null;

  return (
    <Box
      as="form"
      aria-labelledby={titleId}
      display="flex"
      flexDirection="column"
      gap={3}
      onSubmit={submit}
      noValidate
      data-form="discountCode"
      padding={4}
      borderWidth={1}
      borderStyle="solid"
      borderColor="default1"
      borderRadius={4}
      style={{ maxWidth: 640 }}
    >
      <Text as="h3" id={titleId} size={5} fontWeight="bold">
        {code ? t("set.codes.editTitle", { code: code.code }) : t("set.codes.new")}
      </Text>
      {code && code.redemptionCount > 0 && <Text size={3}>{t("set.codes.redeemedHelp")}</Text>}
      {text("code", "set.codes.code", { help: t("set.codes.codeHelp") })}
      <SelectField label={t("set.codes.kind")} name="kind" value={form.kind} onChange={(kind) => setForm({ ...form, kind: kind as DiscountKindEnum })}>
        <option value="PERCENTAGE">{t("set.codes.kind.PERCENTAGE")}</option>
        <option value="FIXED">{t("set.codes.kind.FIXED")}</option>
      </SelectField>
      {fieldError("kind")}
      {form.kind === "PERCENTAGE" && text("percent", "set.codes.percent", { help: t("set.codes.percentHelp") })}
      {form.kind === "FIXED" && text("amountOff", "set.codes.amountOff", { help: t("set.codes.amountOffHelp") })}
      {form.kind === "FIXED" && text("currency", "set.codes.currency", { help: t("set.codes.currencyHelp") })}
      <SelectField
        label={t("set.codes.duration")}
        name="duration"
        value={form.duration}
        onChange={(duration) => setForm({ ...form, duration: duration as DiscountDurationEnum })}
      >
        <option value="ONCE">{t("set.codes.duration.ONCE")}</option>
        <option value="REPEATING">{t("set.codes.duration.REPEATING")}</option>
        <option value="FOREVER">{t("set.codes.duration.FOREVER")}</option>
      </SelectField>
      {fieldError("duration")}
      {form.duration === "REPEATING" && text("durationPeriods", "set.codes.durationPeriods", { type: "number", help: t("set.codes.durationPeriodsHelp") })}
      <SelectField
        label={t("set.codes.appliesTo")}
        name="appliesTo"
        value={form.appliesTo}
        onChange={(appliesTo) => setForm({ ...form, appliesTo: appliesTo as DiscountTargetEnum })}
      >
        <option value="PRICE">{t("set.codes.appliesTo.PRICE")}</option>
        <option value="SETUP_FEE">{t("set.codes.appliesTo.SETUP_FEE")}</option>
        <option value="BOTH">{t("set.codes.appliesTo.BOTH")}</option>
      </SelectField>
      {fieldError("appliesTo")}
      <DiscountPlanPicker value={form.plans} error={errors.plans} onChange={(plans) => setForm({ ...form, plans })} />
      {text("maxRedemptions", "set.codes.maxRedemptions", { type: "number", help: t("set.codes.noLimit") })}
      {text("maxPerCustomer", "set.codes.maxPerCustomer", { type: "number", help: t("set.codes.noLimit") })}
      {text("validFrom", "set.codes.validFrom", { type: "datetime-local", help: t("set.codes.validFromHelp") })}
      {text("validUntil", "set.codes.validUntil", { type: "datetime-local", help: t("set.codes.validUntilHelp") })}
      <TextField name="reason" label={t("set.reason")} value={reason} error={errors.reason} onChange={setReason} />
      <Refusal messages={otherErrors(errors, FIELDS)} />
      {fieldError("clear")}
      <Box display="flex" gap={2}>
        <Button type="submit" variant="primary" disabled={creating.fetching || updating.fetching}>
          {code ? t("set.save") : t("set.codes.create")}
        </Button>
        <Button type="button" variant="secondary" onClick={onClose}>
          {t("set.back")}
        </Button>
      </Box>
    </Box>
  );
}
