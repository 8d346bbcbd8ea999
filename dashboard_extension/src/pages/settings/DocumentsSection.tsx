import { Box, Button, Text } from "@saleor/macaw-ui";
import { useEffect, useId, useMemo, useState, type ChangeEvent, type FormEvent } from "react";
import { useIntl } from "react-intl";
import { useMutation, useQuery } from "urql";

import { errorsByField, type FieldError } from "../../api/errors";
import { DocumentSettingsQuery, DocumentSettingsUpdateMutation } from "../../api/settings";
import { useNotify } from "../../bridge/hooks";
import type {
  DocumentSettingsFieldsFragment,
  DocumentSettingsUpdateMutationVariables,
  SellerDetailsInput,
} from "../../gql/graphql";
import { useT } from "../../i18n/useT";
import { Section } from "../../ui/states";
import { otherErrors, Refusal, resultErrors, SectionGate, TextField } from "./common";
import { LogoField } from "./DocumentsSectionLogo";
import { SETTINGS_PERMISSIONS } from "./shopSettings";

const SELLER = ["name", "address", "vatNumber", "registrationNumber"] as const;
type SellerField = (typeof SELLER)[number];
const FIELDS = [...SELLER, "accentColour"] as const;

/** The accent of a shop that has not chosen one (`tenants.branding.DEFAULT_ACCENT`). */
export const DEFAULT_ACCENT = "#111827";

type Form = Record<SellerField | "accentColour", string>;

function formOf(s: DocumentSettingsFieldsFragment): Form {
  return { ...Object.fromEntries(SELLER.map((key) => [key, s.seller[key]])), accentColour: s.accentColour } as Form;
}

/** What changed from the saved settings: only those seller details (trimmed; "" clears one) and the accent
 * colour (lower case) are sent. */
export function documentChanges(
  saved: DocumentSettingsFieldsFragment,
  form: Form,
): DocumentSettingsUpdateMutationVariables {
  const seller: SellerDetailsInput = {};
  for (const key of SELLER) {
    if (form[key] !== saved.seller[key]) {
      seller[key] = form[key].trim();
    }
  }
  const changes: DocumentSettingsUpdateMutationVariables = {};
  if (Object.keys(seller).length > 0) {
    changes.seller = seller;
  }
  const accent = form.accentColour.trim().toLowerCase();
  if (accent !== saved.accentColour) {
    changes.accentColour = accent;
  }
  return changes;
}

function luminance(colour: string): number {
  const channel = (at: number) => {
    const value = parseInt(colour.slice(at, at + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** The WCAG contrast ratio of two `#rrggbb` colours, 1 to 21. */
export function contrast(first: string, second: string): number {
  const [lighter, darker] = [luminance(first), luminance(second)].sort((a, b) => b - a) as [number, number];
  return (lighter + 0.05) / (darker + 0.05);
}

/** Black or white text on `colour`, whichever contrasts more (as the emails and the portal choose). */
export function textOn(colour: string): "#ffffff" | "#000000" {
  return contrast(colour, "#ffffff") >= contrast(colour, "#000000") ? "#ffffff" : "#000000";
}

/** A `#rrggbb` colour, or null. */
export function hexColour(text: string): string | null {
  const trimmed = text.trim();
  return /^#[0-9a-fA-F]{6}$/.test(trimmed) ? trimmed.toLowerCase() : null;
}

/** The seller's legal details on invoices, the accent colour (a picker, its code and a preview) and the logo. */
export function DocumentsSection() {
  const t = useT();
  const intl = useIntl();
  const notify = useNotify();
  const [{ data, fetching, error }, refetch] = useQuery({ query: DocumentSettingsQuery });
  const [saving, update] = useMutation(DocumentSettingsUpdateMutation);
  const json = JSON.stringify(data?.installationSettings ?? null);
  const settings = useMemo(() => JSON.parse(json) as DocumentSettingsFieldsFragment | null, [json]);
  const [form, setForm] = useState<Form | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const addressId = useId();
  const addressHelpId = useId();
  const pickerId = useId();
  useEffect(() => {
    if (settings) {
      setForm(formOf(settings));
    }
  }, [settings]);

  if (!settings || !form) {
    return (
      <Section title={t("doc.title")} data-section="documents">
        <SectionGate
          fetching={fetching}
          hasData={settings !== null}
          error={error}
          needs={SETTINGS_PERMISSIONS}
          onRetry={() => refetch({ requestPolicy: "network-only" })}
        />
      </Section>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await update(documentChanges(settings, form));
    const refused: FieldError[] = resultErrors(result.error, result.data?.installationSettingsUpdate);
    setErrors(errorsByField(refused));
    if (refused.length > 0) {
      notify.error(t("set.saveFailed"), refused);
      return;
    }
    notify.success(t("set.savedSettings"));
    // The client keeps no cache a mutation would update: read the saved settings (and what invoices miss) again.
    refetch({ requestPolicy: "network-only" });
  };
  const seller = (name: Exclude<SellerField, "address">) => (
    <TextField
      name={name}
      label={t(`doc.seller.${name}`)}
      value={form[name]}
      error={errors[name]}
      help={name === "name" ? undefined : t(`doc.seller.${name}Help`)}
      onChange={(value) => setForm({ ...form, [name]: value })}
    />
  );
  const missing = settings.seller.missing.filter((key): key is SellerField => (SELLER as readonly string[]).includes(key));
  const accent = hexColour(form.accentColour) ?? (form.accentColour.trim() ? null : DEFAULT_ACCENT);
  return (
    <Section title={t("doc.title")} data-section="documents">
      <Text size={3}>{t("doc.intro")}</Text>
      <Box as="form" display="flex" flexDirection="column" gap={3} onSubmit={submit} noValidate style={{ maxWidth: 560 }}>
        <Text as="h3" size={5} fontWeight="bold">
          {t("doc.seller")}
        </Text>
        {missing.length > 0 && (
          <Box padding={3} borderWidth={1} borderStyle="solid" borderColor="critical1" borderRadius={3} data-seller-missing>
            <Text>
              {t("doc.seller.missing", {
                details: new Intl.ListFormat(intl.locale, { type: "conjunction" }).format(
                  missing.map((key) => t(`doc.seller.${key}`)),
                ),
              })}
            </Text>
          </Box>
        )}
        {seller("name")}
        <Box display="flex" flexDirection="column" gap={1}>
          <label htmlFor={addressId}>
            <Text size={2}>{t("doc.seller.address")}</Text>
          </label>
          <Box
            as="textarea"
            id={addressId}
            name="address"
            rows={4}
            value={form.address}
            aria-invalid={Boolean(errors.address)}
            aria-describedby={addressHelpId}
            padding={2}
            borderRadius={3}
            borderWidth={1}
            borderStyle="solid"
            borderColor={errors.address ? "critical1" : "default1"}
            backgroundColor="default1"
            color="default1"
            onChange={(event: ChangeEvent<HTMLTextAreaElement>) => setForm({ ...form, address: event.target.value })}
          />
          <Text id={addressHelpId} size={2} color={errors.address ? "critical1" : undefined}>
            {errors.address ?? t("doc.seller.addressHelp")}
          </Text>
        </Box>
        {seller("vatNumber")}
        {seller("registrationNumber")}
        <Text as="h3" size={5} fontWeight="bold">
          {t("doc.accent")}
        </Text>
        <Box display="flex" gap={3} alignItems="flex-start" flexWrap="wrap">
          <Box display="flex" flexDirection="column" gap={1}>
            <label htmlFor={pickerId}>
              <Text size={2}>{t("doc.accentPicker")}</Text>
            </label>
            <input
              id={pickerId}
              type="color"
              name="accentPicker"
              value={accent ?? DEFAULT_ACCENT}
              onChange={(event: ChangeEvent<HTMLInputElement>) => setForm({ ...form, accentColour: event.target.value })}
              style={{ width: 56, height: 40 }}
            />
          </Box>
          <Box flexGrow="1">
            <TextField
              name="accentColour"
              label={t("doc.accent")}
              value={form.accentColour}
              error={errors.accentColour}
              help={t("doc.accentHelp")}
              onChange={(accentColour) => setForm({ ...form, accentColour })}
            />
          </Box>
        </Box>
        {accent && (
          <Box display="flex" gap={2} alignItems="center">
            <span
              data-accent-preview={accent}
              style={{
                backgroundColor: accent,
                color: textOn(accent),
                padding: "8px 16px",
                borderRadius: 6,
                fontWeight: 600,
                display: "inline-block",
              }}
            >
              {t("doc.accentPreview")}
            </span>
          </Box>
        )}
        <Refusal messages={otherErrors(errors, FIELDS)} />
        <Box>
          <Button type="submit" variant="primary" disabled={saving.fetching}>
            {t("set.save")}
          </Button>
        </Box>
      </Box>
      <LogoField logoUrl={settings.logoUrl ?? null} onChanged={() => refetch({ requestPolicy: "network-only" })} />
    </Section>
  );
}
