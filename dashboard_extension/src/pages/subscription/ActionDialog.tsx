import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { useId, useState, type FormEvent } from "react";
import { useClient } from "urql";

import { errorsByField } from "../../api/errors";
import { useNotify } from "../../bridge/hooks";
import { useT } from "../../i18n/useT";
import { SelectField } from "../../ui/fields";
import { EMPTY_FORM, runAction, type ActionForm, type ActionKind } from "./actions";

/** What the dialog acts on: the subscription, or one of its invoices. */
export interface ActionTarget {
  kind: ActionKind;
  id: string;
  number: number | null | undefined;
  invoice?: { number: string; amount: string };
}

const WHOLE = /^\d+$/;
const FORM_FIELDS = new Set(["effect", "periods", "reference", "paidOn", "reason"]);

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * Confirms a staff action in the page (a dashboard frame may not open browser dialogs), with the terms the
 * action takes and a reason kept on its event. A refusal shows as a dashboard notification with the API's
 * message and field, and on the field here; the dialog stays open.
 */
export function ActionDialog({ target, onDone, onClose }: { target: ActionTarget; onDone: () => void; onClose: () => void }) {
  const t = useT();
  const client = useClient();
  const notify = useNotify();
  const titleId = useId();
  const [form, setForm] = useState<ActionForm>({ ...EMPTY_FORM, paidOn: today() });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const { kind } = target;
  const values = { number: target.number ?? "", invoice: target.invoice?.number ?? "", amount: target.invoice?.amount ?? "" };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (kind === "pause" && form.periods.trim() && !(WHOLE.test(form.periods.trim()) && Number(form.periods) >= 1)) {
      setErrors({ periods: t("act.periodsInvalid") });
      return;
    }
    setBusy(true);
    const refused = await runAction(client, kind, target.id, form);
    setBusy(false);
    if (refused.length > 0) {
      setErrors(errorsByField(refused));
      notify.error(t("act.refused"), refused);
      return;
    }
    notify.success(t(`act.done.${kind}`));
    onDone();
  };
  const others = Object.entries(errors)
    .filter(([name]) => !FORM_FIELDS.has(name))
    .map(([name, message]) => (name ? `${name}: ${message}` : message));
  const field = (name: keyof ActionForm, label: string, type: "text" | "number" | "date" = "text", help?: string) => (
    <Input
      name={name}
      type={type}
      label={label}
      value={form[name]}
      error={Boolean(errors[name])}
      aria-invalid={Boolean(errors[name])}
      role={undefined}
      helperText={errors[name] ?? help}
      onChange={(event) => setForm({ ...form, [name]: event.target.value })}
    />
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
        {t(`act.${kind}`)}
      </Text>
      <Text>{t(`act.confirm.${kind}`, values)}</Text>
      <Box as="form" display="flex" flexDirection="column" gap={3} onSubmit={submit} noValidate>
        {kind === "cancel" && (
          <SelectField
            label={t("act.effect")}
            name="effect"
            value={form.effect}
            onChange={(effect) => setForm({ ...form, effect: effect as ActionForm["effect"] })}
          >
            <option value="PERIOD_END">{t("act.effect.PERIOD_END")}</option>
            <option value="IMMEDIATELY">{t("act.effect.IMMEDIATELY")}</option>
          </SelectField>
        )}
        {kind === "pause" && field("periods", t("act.periods"), "number", t("act.periodsHelp"))}
        {kind === "markPaid" && field("reference", t("act.reference"))}
        {kind === "markPaid" && field("paidOn", t("act.paidOn"), "date")}
        {field("reason", t("act.reason"))}
        {others.length > 0 && (
          <Text color="critical1" role="alert" data-refusal>
            {others.join("; ")}
          </Text>
        )}
        <Box display="flex" gap={2}>
          <Button type="submit" variant="primary" disabled={busy} data-action="confirm">
            {t("act.confirm")}
          </Button>
          <Button type="button" variant="secondary" onClick={onClose}>
            {t("act.back")}
          </Button>
        </Box>
      </Box>
    </Box>
  );
}
