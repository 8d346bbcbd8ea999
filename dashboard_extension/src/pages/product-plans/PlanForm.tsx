import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { Plus, Trash2 } from "lucide-react";
import { useCallback, useMemo, useState, type FormEvent, type ReactNode } from "react";

import { useT } from "../../i18n/useT";
import type { MessageId } from "../../i18n/messages";
import {
  localErrors,
  termsInput,
  type AnchorMode,
  type CancelEffect,
  type Interval,
  type PlanFormValues,
  type ShortMonthRule,
} from "./formState";
import { SchedulePreview } from "./SchedulePreview";

interface Props {
  title: string;
  initial: PlanFormValues;
  currency: string;
  channelPrice: string | null;
  planId: string | null;
  /** The API's field errors of the last save, by input field name. */
  errors: Record<string, string>;
  saving: boolean;
  onSubmit: (values: PlanFormValues) => void;
  onCancel: () => void;
}

type TextField =
  | "name"
  | "intervalCount"
  | "price"
  | "setupFee"
  | "trialDays"
  | "trialIntervals"
  | "billingCycles"
  | "anchorDay"
  | "invoiceLeadDays"
  | "renewalReminderDays"
  | "minimumCycles"
  | "cancelNoticeDays"
  | "priceChangeNoticeDays"
  | "effectiveOn";

type BoolField =
  | "isDefault"
  | "customerCanCancel"
  | "customerCanPause"
  | "cancelCredit"
  | "migrateSubscriptions";

/** Create or edit a plan: every term of planCreate/planUpdate, the API's errors on their fields, and the
 * first charges previewed as the owner types. */
export function PlanForm({ title, initial, currency, channelPrice, planId, errors, saving, onSubmit, onCancel }: Props) {
  const t = useT();
  const [values, setValues] = useState(initial);
  const [previewErrors, setPreviewErrors] = useState<Record<string, string>>({});
  const onPreviewErrors = useCallback((found: Record<string, string>) => setPreviewErrors(found), []);
  const shown = { ...previewErrors, ...localErrors(values), ...errors };
  const terms = useMemo(() => termsInput(values), [values]);
  const set = <K extends keyof PlanFormValues>(name: K, value: PlanFormValues[K]) =>
    setValues((current) => ({ ...current, [name]: value }));

  const field = (name: TextField, label: string, help?: string, type: "text" | "number" | "date" = "text") => (
    <Input
      name={name}
      label={label}
      type={type}
      value={values[name]}
      error={Boolean(shown[name])}
      helperText={shown[name] ?? help}
      data-field={name}
      aria-invalid={Boolean(shown[name])}
      onChange={(event) => set(name, event.target.value)}
    />
  );
  const check = (name: BoolField, label: string) => (
    <Box as="label" display="flex" gap={2} alignItems="center" data-field={name}>
      <input type="checkbox" name={name} checked={values[name]} onChange={(event) => set(name, event.target.checked)} />
      <Text>{label}</Text>
      {shown[name] && (
        <Text color="critical1" size={2}>
          {shown[name]}
        </Text>
      )}
    </Box>
  );
  const choice = <V extends string>(name: keyof PlanFormValues, label: string, options: [V, string][]) => (
    <Box as="label" display="flex" flexDirection="column" gap={1} data-field={name}>
      <Text size={2} color="default2">
        {label}
      </Text>
      <Box
        as="select"
        name={name}
        value={String(values[name])}
        padding={2}
        borderRadius={3}
        borderWidth={1}
        borderStyle="solid"
        borderColor={shown[name] ? "critical1" : "default1"}
        backgroundColor="default1"
        color="default1"
        onChange={(event: React.ChangeEvent<HTMLSelectElement>) =>
          set(name, event.target.value as PlanFormValues[typeof name])
        }
      >
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </Box>
      {shown[name] && (
        <Text color="critical1" size={2}>
          {shown[name]}
        </Text>
      )}
    </Box>
  );
  const intervals: Interval[] = ["DAY", "WEEK", "MONTH", "YEAR"];
  const anchors: AnchorMode[] = ["PURCHASE", "DAY_OF_MONTH"];
  const rules: ShortMonthRule[] = ["CLAMP", "FIRST_OF_NEXT_MONTH"];
  const effects: CancelEffect[] = ["PERIOD_END", "IMMEDIATELY"];

  return (
    <Box
      as="form"
      display="flex"
      flexDirection="column"
      gap={4}
      padding={5}
      borderWidth={1}
      borderStyle="solid"
      borderColor="default1"
      borderRadius={4}
      data-plan-form
      noValidate
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        onSubmit(values);
      }}
    >
      <Text as="h3" size={6} fontWeight="bold">
        {title}
      </Text>
      {shown[""] && (
        <Text color="critical1" role="alert">
          {shown[""]}
        </Text>
      )}
      {field("name", t("form.name"))}
      {check("isDefault", t("form.isDefault"))}
      <Group title={t("form.sections.terms")}>
        {choice("interval", t("form.interval"), intervals.map((i) => [i, t(`unit.${i}` as MessageId)]))}
        {field("intervalCount", t("form.intervalCount"), undefined, "number")}
        {field("price", t("form.price", { currency }), t("form.priceHelp"))}
        {field("setupFee", t("form.setupFee"))}
        {field("trialDays", t("form.trialDays"), undefined, "number")}
        {field("trialIntervals", t("form.trialIntervals"), undefined, "number")}
        {field("billingCycles", t("form.billingCycles"), t("form.billingCyclesHelp"), "number")}
        {choice("anchorMode", t("form.anchorMode"), anchors.map((a) => [a, t(`form.anchor.${a}` as MessageId)]))}
        {values.anchorMode === "DAY_OF_MONTH" && field("anchorDay", t("form.anchorDay"), undefined, "number")}
        {choice("shortMonthRule", t("form.shortMonthRule"), rules.map((r) => [r, t(`form.shortMonth.${r}` as MessageId)]))}
        {field("invoiceLeadDays", t("form.invoiceLeadDays"), undefined, "number")}
        {field("renewalReminderDays", t("form.renewalReminderDays"), t("form.renewalReminderDaysHelp"), "number")}
        {field("priceChangeNoticeDays", t("form.priceChangeNoticeDays"), undefined, "number")}
      </Group>
      <Group title={t("form.sections.customers")}>
        {check("customerCanCancel", t("form.customerCanCancel"))}
        {check("customerCanPause", t("form.customerCanPause"))}
        {field("minimumCycles", t("form.minimumCycles"), undefined, "number")}
        {field("cancelNoticeDays", t("form.cancelNoticeDays"), undefined, "number")}
        {choice("cancelEffect", t("form.cancelEffect"), effects.map((e) => [e, t(`form.cancel.${e}` as MessageId)]))}
        {check("cancelCredit", t("form.cancelCredit"))}
      </Group>
      <Group title={t("form.usagePrices")}>
        {values.usagePrices.map((row, index) => (
          <Box key={index} display="flex" gap={2} alignItems="flex-end" data-usage-row={index}>
            <Input
              label={t("form.metric")}
              value={row.metric}
              onChange={(event) =>
                set("usagePrices", values.usagePrices.map((r, i) => (i === index ? { ...r, metric: event.target.value } : r)))
              }
            />
            <Input
              label={t("form.unitPrice")}
              value={row.price}
              onChange={(event) =>
                set("usagePrices", values.usagePrices.map((r, i) => (i === index ? { ...r, price: event.target.value } : r)))
              }
            />
            <Button
              type="button"
              variant="tertiary"
              aria-label={t("form.remove")}
              onClick={() => set("usagePrices", values.usagePrices.filter((_, i) => i !== index))}
            >
              <Trash2 size={16} />
            </Button>
          </Box>
        ))}
        {shown["usagePrices"] && <Text color="critical1">{shown["usagePrices"]}</Text>}
        <Box>
          <Button type="button" variant="secondary" onClick={() => set("usagePrices", [...values.usagePrices, { metric: "", price: "" }])}>
            <Plus size={16} />
            {t("form.addUsage")}
          </Button>
        </Box>
      </Group>
      {planId && (
        <Group title={t("plans.edit")}>
          {check("migrateSubscriptions", t("form.migrate"))}
          {values.migrateSubscriptions && field("effectiveOn", t("form.effectiveOn"), undefined, "date")}
        </Group>
      )}
      <SchedulePreview terms={terms} currency={currency} channelPrice={channelPrice} planId={planId} onErrors={onPreviewErrors} />
      <Box display="flex" gap={2}>
        <Button type="submit" variant="primary" disabled={saving}>
          {t("form.save")}
        </Button>
        <Button type="button" variant="secondary" onClick={onCancel}>
          {t("form.cancel")}
        </Button>
      </Box>
    </Box>
  );
}

function Group({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Box as="fieldset" display="grid" gap={3} borderWidth={0} padding={0} style={{ gridTemplateColumns: "repeat(auto-fill, minmax(220px, 1fr))" }}>
      <Box as="legend" paddingBottom={2}>
        <Text fontWeight="bold">{title}</Text>
      </Box>
      {children}
    </Box>
  );
}
