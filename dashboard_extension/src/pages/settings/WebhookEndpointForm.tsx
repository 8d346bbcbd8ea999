import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState, type FormEvent } from "react";
import { useMutation } from "urql";

import { errorsByField } from "../../api/errors";
import { WebhookEndpointCreateMutation, WebhookEndpointUpdateMutation } from "../../api/settings";
import { useNotify } from "../../bridge/hooks";
import type { WebhookEventType } from "../../gql/graphql";
import { useT } from "../../i18n/useT";
import { CheckField, otherErrors, Refusal, resultErrors, TextField } from "./common";

export const EVENT_TYPES: WebhookEventType[] = [
  "SUBSCRIPTION_CREATED",
  "SUBSCRIPTION_ACTIVATED",
  "SUBSCRIPTION_RENEWED",
  "SUBSCRIPTION_CHANGED",
  "SUBSCRIPTION_PAST_DUE",
  "SUBSCRIPTION_SUSPENDED",
  "SUBSCRIPTION_CANCELLED",
  "SUBSCRIPTION_EXPIRED",
  "INVOICE_CREATED",
  "INVOICE_PAID",
  "INVOICE_PAYMENT_FAILED",
  "INVOICE_VOIDED",
  "CREDIT_NOTE_ISSUED",
];

export interface EndpointValues {
  id: string;
  url: string;
  description: string;
  eventTypes: WebhookEventType[];
  isActive: boolean;
}

const FIELDS = ["url", "description", "eventTypes", "isActive", "rotateSecret"];

/** A new endpoint, or changes to one (with a new signing secret on request). `onSaved` gets the secret the API
 * shows this once (a new endpoint's, or a rotated one), else null. */
export function WebhookEndpointForm({
  endpoint,
  onSaved,
  onClose,
}: {
  endpoint: EndpointValues | null;
  onSaved: (secret: string | null) => void;
  onClose: () => void;
}) {
  const t = useT();
  const notify = useNotify();
  const [creating, create] = useMutation(WebhookEndpointCreateMutation);
  const [updating, update] = useMutation(WebhookEndpointUpdateMutation);
  const [form, setForm] = useState({
    url: endpoint?.url ?? "",
    description: endpoint?.description ?? "",
    eventTypes: endpoint?.eventTypes ?? [],
    isActive: endpoint?.isActive ?? true,
    rotateSecret: false,
  });
  const [errors, setErrors] = useState<Record<string, string>>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const values = {
      url: form.url.trim(),
      description: form.description.trim(),
      eventTypes: form.eventTypes,
      isActive: form.isActive,
    };
    let refused;
    let secret: string | null | undefined;
    if (endpoint) {
      const result = await update({ id: endpoint.id, ...values, rotateSecret: form.rotateSecret || null });
      refused = resultErrors(result.error, result.data?.webhookEndpointUpdate);
      secret = result.data?.webhookEndpointUpdate?.secret;
    } else {
      const result = await create(values);
      refused = resultErrors(result.error, result.data?.webhookEndpointCreate);
      secret = result.data?.webhookEndpointCreate?.secret;
    }
    setErrors(errorsByField(refused));
    if (refused.length > 0) {
      notify.error(t("set.hooks.saveFailed"), refused);
      return;
    }
    notify.success(endpoint ? t("set.hooks.saved") : t("set.hooks.created"));
    onSaved(secret ?? null);
  };
  const all = form.eventTypes.length === 0;
  return (
    <Box
      as="form"
      display="flex"
      flexDirection="column"
      gap={3}
      onSubmit={submit}
      noValidate
      style={{ maxWidth: 640 }}
      data-form="webhookEndpoint"
      padding={4}
      borderWidth={1}
      borderStyle="solid"
      borderColor="default1"
      borderRadius={4}
    >
      <Text as="h3" size={5} fontWeight="bold">
        {endpoint ? t("set.hooks.editTitle", { url: endpoint.url }) : t("set.hooks.new")}
      </Text>
      <TextField
        name="url"
        type="url"
        label={t("set.hooks.url")}
        value={form.url}
        error={errors.url}
        help={t("set.hooks.urlHelp")}
        onChange={(url) => setForm({ ...form, url })}
      />
      <TextField
        name="description"
        label={t("set.hooks.description")}
        value={form.description}
        error={errors.description}
        onChange={(description) => setForm({ ...form, description })}
      />
      <Box as="fieldset" display="flex" flexDirection="column" gap={1} borderWidth={0} padding={0}>
        <legend>
          <Text size={2}>{t("set.hooks.events")}</Text>
        </legend>
        <CheckField name="allEvents" label={t("set.hooks.allEvents")} checked={all} onChange={(on) => on && setForm({ ...form, eventTypes: [] })} />
        {EVENT_TYPES.map((type) => (
          <CheckField
            key={type}
            name={`event-${type}`}
            label={type}
            checked={form.eventTypes.includes(type)}
            onChange={(on) =>
              setForm({ ...form, eventTypes: on ? [...form.eventTypes, type] : form.eventTypes.filter((e) => e !== type) })
            }
          />
        ))}
        {errors.eventTypes && (
          <Text size={2} color="critical1" role="alert">
            {errors.eventTypes}
          </Text>
        )}
      </Box>
      <CheckField name="isActive" label={t("set.hooks.active")} checked={form.isActive} onChange={(isActive) => setForm({ ...form, isActive })} />
      {endpoint && (
        <CheckField
          name="rotateSecret"
          label={t("set.hooks.rotate")}
          checked={form.rotateSecret}
          onChange={(rotateSecret) => setForm({ ...form, rotateSecret })}
        />
      )}
      <Refusal messages={otherErrors(errors, FIELDS)} />
      <Box display="flex" gap={2}>
        <Button type="submit" variant="primary" disabled={creating.fetching || updating.fetching}>
          {endpoint ? t("set.save") : t("set.hooks.create")}
        </Button>
        <Button type="button" variant="secondary" onClick={onClose}>
          {t("set.back")}
        </Button>
      </Box>
    </Box>
  );
}
