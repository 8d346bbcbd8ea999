import { Box, Button, Text } from "@saleor/macaw-ui";
import { useEffect, useState, type FormEvent } from "react";

import type { DunningFirstFailure, DunningPolicyInput, InstallationSettingsFieldsFragment } from "../../gql/graphql";
import { useT } from "../../i18n/useT";
import { SelectField } from "../../ui/fields";
import { Section } from "../../ui/states";
import { otherErrors, Refusal, SectionGate, TextField } from "./common";
import { SETTINGS_PERMISSIONS, useShopSettings, wholeNumber } from "./shopSettings";

type Policy = InstallationSettingsFieldsFragment["dunningPolicy"];
const DAYS = ["suspendDay", "terminationWarningDay", "cancelDay", "reactivationWindowDays"] as const;
const FIELDS = ["onFirstFailure", "retryDays", ...DAYS] as const;

interface Form {
  onFirstFailure: DunningFirstFailure;
  retryDays: string;
  suspendDay: string;
  terminationWarningDay: string;
  cancelDay: string;
  reactivationWindowDays: string;
}

function formOf(p: Policy): Form {
  return {
    onFirstFailure: p.onFirstFailure,
    retryDays: p.retryDays.join(", "),
    suspendDay: String(p.suspendDay),
    terminationWarningDay: String(p.terminationWarningDay),
    cancelDay: String(p.cancelDay),
    reactivationWindowDays: String(p.reactivationWindowDays),
  };
}

/** The policy as the API takes it (the whole policy). Days that are not whole numbers go as -1 and retry days
 * that cannot be read as [-1], so the API names the field. */
export function policyInput(form: Form): DunningPolicyInput {
  const parts = form.retryDays.split(/[\s,;]+/).filter(Boolean);
  const retries = parts.map(wholeNumber);
  return {
    onFirstFailure: form.onFirstFailure,
    retryDays: retries.every((d) => d !== null) ? (retries as number[]) : [-1],
    suspendDay: wholeNumber(form.suspendDay) ?? -1,
    terminationWarningDay: wholeNumber(form.terminationWarningDay) ?? -1,
    cancelDay: wholeNumber(form.cancelDay) ?? -1,
    reactivationWindowDays: wholeNumber(form.reactivationWindowDays) ?? -1,
  };
}

/** The default dunning policy for failed renewals (BILLING_RULES §6): days from the failed charge's due date. */
export function DunningSection() {
  const t = useT();
  const shop = useShopSettings();
  const policy = shop.settings?.dunningPolicy;
  const [form, setForm] = useState<Form | null>(null);
  useEffect(() => {
    if (policy) {
      setForm(formOf(policy));
    }
  }, [policy]);

  if (!policy || !form) {
    return (
      <Section title={t("set.dunning")} data-section="dunning">
        <SectionGate fetching={shop.fetching} hasData={shop.hasData} error={shop.error} needs={SETTINGS_PERMISSIONS} onRetry={shop.retry} />
      </Section>
    );
  }
  const errors = shop.fieldErrors;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await shop.save({ dunningPolicy: policyInput(form) });
  };
  return (
    <Section title={t("set.dunning")} data-section="dunning">
      <Text>{t("set.dunning.intro")}</Text>
      <Text size={3} data-policy-summary>
        {t("set.dunning.summary", {
          first: t(`set.dunning.first.${policy.onFirstFailure}`),
          retries: policy.retryDays.join(", "),
          suspend: policy.suspendDay,
          warn: policy.terminationWarningDay,
          cancel: policy.cancelDay,
          window: policy.reactivationWindowDays,
        })}
      </Text>
      <Box as="form" display="flex" flexDirection="column" gap={3} onSubmit={submit} noValidate style={{ maxWidth: 560 }}>
        <SelectField
          label={t("set.dunning.onFirstFailure")}
          name="onFirstFailure"
          value={form.onFirstFailure}
          onChange={(value) => setForm({ ...form, onFirstFailure: value as DunningFirstFailure })}
        >
          <option value="REMIND">{t("set.dunning.first.REMIND")}</option>
          <option value="SUSPEND">{t("set.dunning.first.SUSPEND")}</option>
        </SelectField>
        {(["retryDays", ...DAYS] as const).map((name) => (
          <TextField
            key={name}
            name={name}
            type={name === "retryDays" ? "text" : "number"}
            label={t(`set.dunning.${name}`)}
            value={form[name]}
            error={errors[name]}
            help={t(`set.dunning.${name}Help`)}
            onChange={(value) => setForm({ ...form, [name]: value })}
          />
        ))}
        <Refusal messages={otherErrors(errors, FIELDS)} />
        <Box>
          <Button type="submit" variant="primary" disabled={shop.saving}>
            {t("set.save")}
          </Button>
        </Box>
      </Box>
    </Section>
  );
}
