import { Box, Button, Text } from "@saleor/macaw-ui";
import { useEffect, useMemo, useState, type FormEvent } from "react";

import type { InstallationSettingsFieldsFragment, ShopLanguage } from "../../gql/graphql";
import { useT } from "../../i18n/useT";
import { SelectField } from "../../ui/fields";
import { Section } from "../../ui/states";
import { CheckField, otherErrors, Refusal, SectionGate, TextField } from "./common";
import { TestClockSection } from "./TestClockSection";
import { SETTINGS_PERMISSIONS, useShopSettings, wholeNumber, type SettingsChanges } from "./shopSettings";
import { timeZones } from "./timeZones";

const FIELDS = ["shopName", "emailSender", "timeZone", "language", "dueHour", "invoicePrefix", "sandbox"] as const;

interface Form {
  shopName: string;
  emailSender: string;
  timeZone: string;
  language: ShopLanguage;
  dueHour: string;
  invoicePrefix: string;
  sandbox: boolean;
}

function formOf(s: InstallationSettingsFieldsFragment): Form {
  return {
    shopName: s.shopName,
    emailSender: s.emailSender,
    timeZone: s.timeZone,
    language: s.language,
    dueHour: String(s.dueHour),
    invoicePrefix: s.invoicePrefix,
    sandbox: s.sandbox,
  };
}

/** What changed from the saved settings: only that is sent. A due hour that is no whole number goes as -1, so
 * the API refuses it on its field. */
export function generalChanges(saved: InstallationSettingsFieldsFragment, form: Form): SettingsChanges {
  const changes: SettingsChanges = {};
  if (form.shopName !== saved.shopName) changes.shopName = form.shopName.trim();
  if (form.emailSender !== saved.emailSender) changes.emailSender = form.emailSender.trim();
  if (form.timeZone !== saved.timeZone) changes.timeZone = form.timeZone;
  if (form.language !== saved.language) changes.language = form.language;
  if (form.dueHour !== String(saved.dueHour)) changes.dueHour = wholeNumber(form.dueHour) ?? -1;
  if (form.invoicePrefix !== saved.invoicePrefix) changes.invoicePrefix = form.invoicePrefix.trim();
  if (form.sandbox !== saved.sandbox) changes.sandbox = form.sandbox;
  return changes;
}

/** The shop's name, email sender, time zone, language, due hour, invoice prefix and sandbox mode. */
export function GeneralSection() {
  const t = useT();
  const shop = useShopSettings();
  const { settings } = shop;
  const [form, setForm] = useState<Form | null>(null);
  useEffect(() => {
    if (settings) {
      setForm(formOf(settings));
    }
  }, [settings]);
  const zones = useMemo(() => timeZones(settings?.timeZone ?? ""), [settings?.timeZone]);

  if (!settings || !form) {
    return (
      <Section title={t("set.general")} data-section="general">
        <SectionGate
          fetching={shop.fetching}
          hasData={shop.hasData}
          error={shop.error}
          needs={SETTINGS_PERMISSIONS}
          onRetry={shop.retry}
        />
      </Section>
    );
  }
  const errors = shop.fieldErrors;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await shop.save(generalChanges(settings, form));
  };
  const text = (name: "shopName" | "emailSender" | "invoicePrefix" | "dueHour", help?: string) => (
    <TextField
      name={name}
      type={name === "dueHour" ? "number" : name === "emailSender" ? "email" : "text"}
      label={t(`set.general.${name}`)}
      value={form[name]}
      error={errors[name]}
      help={help}
      onChange={(value) => setForm({ ...form, [name]: value })}
    />
  );
  return (
    <Section title={t("set.general")} data-section="general">
      <Box as="form" display="flex" flexDirection="column" gap={3} onSubmit={submit} noValidate style={{ maxWidth: 560 }}>
        {text("shopName", t("set.general.shopNameHelp"))}
        {text("emailSender", t("set.general.emailSenderHelp"))}
        <SelectField label={t("set.general.timeZone")} name="timeZone" value={form.timeZone} onChange={(timeZone) => setForm({ ...form, timeZone })}>
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </SelectField>
        <FieldError message={errors.timeZone} />
        <SelectField
          label={t("set.general.language")}
          name="language"
          value={form.language}
          onChange={(language) => setForm({ ...form, language: language as ShopLanguage })}
        >
          <option value="EN">English</option>
          <option value="NL">Nederlands</option>
        </SelectField>
        <FieldError message={errors.language} />
        {text("dueHour", t("set.general.dueHourHelp"))}
        {text("invoicePrefix", t("set.general.invoicePrefixHelp"))}
        <CheckField
          name="sandbox"
          label={t("set.general.sandbox")}
          checked={form.sandbox}
          onChange={(sandbox) => setForm({ ...form, sandbox })}
          help={t("set.general.sandboxHelp")}
        />
        <FieldError message={errors.sandbox} />
        <Refusal messages={otherErrors(errors, FIELDS)} />
        <Box>
          <Button type="submit" variant="primary" disabled={shop.saving}>
            {t("set.save")}
          </Button>
        </Box>
      </Box>
      {settings.sandbox && (
        <Box display="flex" flexDirection="column" gap={4} data-sandbox-on>
          <Text size={3}>
            {t("set.general.sandboxOn")}
          </Text>
          <TestClockSection />
        </Box>
      )}
    </Section>
  );
}

function FieldError({ message }: { message: string | undefined }) {
  if (!message) {
    return null;
  }
  return (
    <Text size={2} color="critical1" role="alert">
      {message}
    </Text>
  );
}
