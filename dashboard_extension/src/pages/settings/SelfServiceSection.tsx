import { Box, Button, Text } from "@saleor/macaw-ui";
import { useEffect, useState, type FormEvent } from "react";

import type { InstallationSettingsFieldsFragment, SelfServiceCancel } from "../../gql/graphql";
import { useT } from "../../i18n/useT";
import { SelectField } from "../../ui/fields";
import { Section } from "../../ui/states";
import { CheckField, otherErrors, Refusal, SectionGate } from "./common";
import { SETTINGS_PERMISSIONS, useShopSettings, type SettingsChanges } from "./shopSettings";

type Rights = Omit<InstallationSettingsFieldsFragment["selfService"], "__typename">;
const SWITCHES = ["pause", "switch", "quantity", "address", "contacts"] as const;
const FIELDS = ["selfServiceCancel", "selfServicePause", "selfServiceSwitch", "selfServiceQuantity", "selfServiceAddress", "selfServiceContacts"];

export function selfServiceChanges(form: Rights): SettingsChanges {
  return {
    selfServiceCancel: form.cancel,
    selfServicePause: form.pause,
    selfServiceSwitch: form.switch,
    selfServiceQuantity: form.quantity,
    selfServiceAddress: form.address,
    selfServiceContacts: form.contacts,
  };
}

/** What customers may do themselves in the portal and the storefront; a plan may allow less, never more. */
export function SelfServiceSection() {
  const t = useT();
  const shop = useShopSettings();
  const rights = shop.settings?.selfService;
  const [form, setForm] = useState<Rights | null>(null);
  useEffect(() => {
    if (rights) {
      const { cancel, pause, switch: canSwitch, quantity, address, contacts } = rights;
      setForm({ cancel, pause, switch: canSwitch, quantity, address, contacts });
    }
  }, [rights]);

  if (!rights || !form) {
    return (
      <Section title={t("set.selfService")} data-section="selfService">
        <SectionGate fetching={shop.fetching} hasData={shop.hasData} error={shop.error} needs={SETTINGS_PERMISSIONS} onRetry={shop.retry} />
      </Section>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await shop.save(selfServiceChanges(form));
  };
  const errors = shop.fieldErrors;
  return (
    <Section title={t("set.selfService")} data-section="selfService">
      <Text>{t("set.selfService.intro")}</Text>
      <Box as="form" display="flex" flexDirection="column" gap={3} onSubmit={submit} noValidate style={{ maxWidth: 560 }}>
        <SelectField
          label={t("set.selfService.cancel")}
          name="selfServiceCancel"
          value={form.cancel}
          onChange={(value) => setForm({ ...form, cancel: value as SelfServiceCancel })}
        >
          <option value="PLAN">{t("set.selfService.cancel.PLAN")}</option>
          <option value="PERIOD_END">{t("set.selfService.cancel.PERIOD_END")}</option>
          <option value="DISABLED">{t("set.selfService.cancel.DISABLED")}</option>
        </SelectField>
        {errors.selfServiceCancel && (
          <Text size={2} color="critical1" role="alert">
            {errors.selfServiceCancel}
          </Text>
        )}
        {SWITCHES.map((name) => (
          <CheckField
            key={name}
            name={name}
            label={t(`set.selfService.${name}`)}
            checked={form[name]}
            onChange={(checked) => setForm({ ...form, [name]: checked })}
          />
        ))}
        <Refusal messages={otherErrors(errors, FIELDS.slice(0, 1))} />
        <Box>
          <Button type="submit" variant="primary" disabled={shop.saving}>
            {t("set.save")}
          </Button>
        </Box>
      </Box>
    </Section>
  );
}
