import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { AlertTriangle, CheckCircle2, XCircle } from "lucide-react";
import { useEffect, useState, type ChangeEvent, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";

import { StripeSettingsQuery, StripeSettingsUpdateMutation } from "../../api/documents";
import { errorsByField, requestErrors, type FieldError } from "../../api/errors";
import { InstallationSettingsQuery } from "../../api/settings";
import { useNotify } from "../../bridge/hooks";
import { useBridge } from "../../bridge/state";
import { useT } from "../../i18n/useT";
import { fetchChannels, type SaleorChannel } from "../../saleor/product";
import { useInteractiveMark } from "../../ui/interactive";
import { ErrorState, Loading, Section } from "../../ui/states";
import { CopyButton } from "./common";

/** The Stripe connection of a channel (or of every channel without its own keys). */
export function StripeSection() {
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
    <Box display="flex" flexDirection="column" gap={5}>
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
      <StripeChannel key={channel} channel={channel} />
    </Box>
  );
}

function StripeChannel({ channel }: { channel: string }) {
  const t = useT();
  const notify = useNotify();
  const [{ data, fetching, error }, refetch] = useQuery({ query: StripeSettingsQuery, variables: { channel } });
  // The shop's sandbox flag tells whether test keys are expected; staff without MANAGE_SETTINGS go without it.
  const [shop] = useQuery({ query: InstallationSettingsQuery });
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
  const sandbox = shop.data?.installationSettings?.sandbox;

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

  const usesDefault = Boolean(settings && channel && settings.channel !== channel);
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
        {usesDefault && (
          <Text size={3} color="default2" data-uses-default>
            {t("set.stripe.usesDefault")}
          </Text>
        )}
        {settings && (
          <Text size={3} color="default2">
            {t("settings.publishableKey")}: <code>{settings.publishableKey}</code>
          </Text>
        )}
        <Box as="form" display="flex" flexDirection="column" gap={3} onSubmit={submit} noValidate>
          {usesDefault && <Text size={3}>{t("set.stripe.ownKeys")}</Text>}
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
        <Section title={t("settings.webhook")} data-section="webhook">
          <Text color="default2">{t("settings.webhookIntro")}</Text>
          <Box display="flex" gap={2} alignItems="center" flexWrap="wrap">
            <Text>
              {t("settings.webhookUrl")}: <code data-webhook-url>{settings.webhookUrl}</code>
            </Text>
            <CopyButton text={settings.webhookUrl} label={t("set.stripe.copyUrl")} />
          </Box>
          <Box display="flex" gap={2} alignItems="center" flexWrap="wrap">
            <Text>{t("settings.webhookEvents")}:</Text>
            <CopyButton text={settings.webhookEvents.join("\n")} label={t("set.stripe.copyEvents")} />
          </Box>
          <Box as="ul" data-webhook-events>
            {settings.webhookEvents.map((event) => (
              <li key={event}>
                <code>{event}</code>
              </li>
            ))}
          </Box>
        </Section>
      )}
      <Section title={t("settings.works")} data-section="works">
        <Check state={settings ? "ok" : "missing"}>
          {settings ? t("settings.works.keys") : t("set.stripe.noKeys")}
        </Check>
        {settings && sandbox !== undefined && (
          <Check state={settings.mode === "LIVE" || sandbox ? "ok" : "warn"}>
            {settings.mode === "LIVE"
              ? t("set.stripe.live")
              : sandbox
                ? t("set.stripe.testInSandbox")
                : t("set.stripe.testInLive")}
          </Check>
        )}
        <Check state={settings?.hasWebhookSecret ? "ok" : "missing"}>
          {settings?.hasWebhookSecret ? t("settings.works.webhook") : t("settings.works.noWebhook")}
        </Check>
        <Check state={settings?.hasWebhookSecret ? "ok" : "missing"}>
          {settings?.hasWebhookSecret ? t("settings.works.checkout") : t("set.stripe.noCheckout")}
        </Check>
      </Section>
    </>
  );
}

function Check({ state, children }: { state: "ok" | "warn" | "missing"; children: string }) {
  return (
    <Box display="flex" gap={2} alignItems="center" data-check={state}>
      {state === "ok" && <CheckCircle2 size={16} color="green" aria-hidden />}
      {state === "warn" && <AlertTriangle size={16} color="darkorange" aria-hidden />}
      {state === "missing" && <XCircle size={16} color="crimson" aria-hidden />}
      <Text>{children}</Text>
    </Box>
  );
}
