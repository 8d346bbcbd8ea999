import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { CheckCircle2, XCircle } from "lucide-react";
import { useEffect, useState, type ChangeEvent, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";

import { StripeSettingsQuery, StripeSettingsUpdateMutation } from "../../api/documents";
import { errorsByField, requestErrors, type FieldError } from "../../api/errors";
import { useNotify } from "../../bridge/hooks";
import { useBridge } from "../../bridge/state";
import { useT } from "../../i18n/useT";
import { fetchChannels, type SaleorChannel } from "../../saleor/product";
import { useInteractiveMark } from "../../ui/interactive";
import { ErrorState, Loading, Section } from "../../ui/states";

/** The app's home page: the Stripe connection per channel (docs/dashboard.md). */
export function SettingsPage() {
  const t = useT();
  const { state } = useBridge();
  const [channel, setChannel] = useState("");
  const [channels, setChannels] = useState<SaleorChannel[] | null>(null);
  const token = state?.token;
  const saleorApiUrl = state?.saleorApiUrl;
  useEffect(() => {
    if (!token || !saleorApiUrl) {
      return;
    }
    // Without the list (Saleor unreachable, no permission) the default account can still be set.
    fetchChannels(saleorApiUrl, token).then(setChannels, () => setChannels([]));
  }, [token, saleorApiUrl]);
  return (
    <Box display="flex" flexDirection="column" gap={5} padding={6} data-page="settings">
      <Text as="h1" size={8} fontWeight="bold">
        {t("app.title")} · {t("settings.title")}
      </Text>
      <Box as="label" display="flex" flexDirection="column" gap={1} style={{ maxWidth: 360 }}>
        <Text size={2} color="default2">
          {t("settings.channel")}
        </Text>
        <Box
          as="select"
          name="channel"
          value={channel}
          padding={2}
          borderRadius={3}
          borderWidth={1}
          borderStyle="solid"
          borderColor="default1"
          backgroundColor="default1"
          color="default1"
          onChange={(event: ChangeEvent<HTMLSelectElement>) => setChannel(event.target.value)}
        >
          <option value="">{t("settings.allChannels")}</option>
          {(channels ?? []).map((c) => (
            <option key={c.slug} value={c.slug}>
              {c.name} ({c.currencyCode})
            </option>
          ))}
        </Box>
        <Text size={2} color="default2">
          {t("settings.channelHelp")}
        </Text>
      </Box>
      <StripeSection key={channel} channel={channel} />
    </Box>
  );
}

function StripeSection({ channel }: { channel: string }) {
  const t = useT();
  const notify = useNotify();
  const [{ data, fetching, error }, refetch] = useQuery({ query: StripeSettingsQuery, variables: { channel } });
  const [saving, save] = useMutation(StripeSettingsUpdateMutation);
  const [form, setForm] = useState({ publishableKey: "", secretKey: "", webhookSecret: "" });
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  useInteractiveMark(Boolean(data || error));

  if (fetching && !data) {
    return <Loading />;
  }
  if (error && !data) {
    return <ErrorState message={requestErrors(error)[0]?.message ?? ""} onRetry={() => refetch({ requestPolicy: "network-only" })} />;
  }
  const settings = data?.stripeSettings ?? null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await save({
      channel,
      publishableKey: form.publishableKey.trim(),
      secretKey: form.secretKey.trim(),
      webhookSecret: form.webhookSecret.trim() || null,
    });
    const errors: FieldError[] = result.error
      ? requestErrors(result.error)
      : (result.data?.stripeSettingsUpdate?.errors ?? []);
    setFieldErrors(errorsByField(errors));
    if (errors.length > 0) {
      notify.error(t("settings.saveFailed"), errors);
      return;
    }
    setForm({ publishableKey: "", secretKey: "", webhookSecret: "" });
    notify.success(t("settings.saved"));
    refetch({ requestPolicy: "network-only" });
  };

  return (
    <>
      <Section title={t("settings.stripe")} data-section="stripe">
        <Text color="default2">{t("settings.stripeIntro")}</Text>
        <Text data-connection={settings ? "connected" : "none"}>
          {settings
            ? t("settings.connected", {
                mode: settings.mode,
                date: new Date(settings.verifiedAt).toLocaleString(),
              })
            : t("settings.notConnected")}
        </Text>
        {settings && (
          <Text size={3} color="default2">
            {t("settings.publishableKey")}: <code>{settings.publishableKey}</code>
          </Text>
        )}
        <Box as="form" display="flex" flexDirection="column" gap={3} onSubmit={submit} noValidate>
          {(["publishableKey", "secretKey", "webhookSecret"] as const).map((name) => (
            <Input
              key={name}
              name={name}
              type={name === "publishableKey" ? "text" : "password"}
              autoComplete="off"
              label={t(`settings.${name}`)}
              helperText={fieldErrors[name] ?? (name === "publishableKey" ? undefined : t(`settings.${name}Help`))}
              error={Boolean(fieldErrors[name])}
              value={form[name]}
              onChange={(event) => setForm({ ...form, [name]: event.target.value })}
            />
          ))}
          <Box>
            <Button type="submit" variant="primary" disabled={saving.fetching}>
              {t("settings.save")}
            </Button>
          </Box>
        </Box>
      </Section>
      {settings && (
        <>
          <Section title={t("settings.webhook")} data-section="webhook">
            <Text color="default2">{t("settings.webhookIntro")}</Text>
            <Text>
              {t("settings.webhookUrl")}: <code data-webhook-url>{settings.webhookUrl}</code>
            </Text>
            <Text>{t("settings.webhookEvents")}:</Text>
            <Box as="ul" data-webhook-events>
              {settings.webhookEvents.map((event) => (
                <li key={event}>
                  <code>{event}</code>
                </li>
              ))}
            </Box>
          </Section>
          <Section title={t("settings.works")} data-section="works">
            <Check ok>{t("settings.works.keys")}</Check>
            <Check ok={settings.hasWebhookSecret}>
              {settings.hasWebhookSecret ? t("settings.works.webhook") : t("settings.works.noWebhook")}
            </Check>
            <Check ok={settings.hasWebhookSecret}>{t("settings.works.checkout")}</Check>
          </Section>
        </>
      )}
    </>
  );
}

function Check({ ok, children }: { ok: boolean; children: string }) {
  return (
    <Box display="flex" gap={2} alignItems="center" data-check={ok ? "ok" : "missing"}>
      {ok ? <CheckCircle2 size={16} color="green" /> : <XCircle size={16} color="crimson" />}
      <Text>{children}</Text>
    </Box>
  );
}
