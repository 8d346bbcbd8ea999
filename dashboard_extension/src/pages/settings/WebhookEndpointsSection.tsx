import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";
import { useIntl } from "react-intl";
import { useMutation, useQuery } from "urql";

import { WebhookEndpointDeleteMutation, WebhookEndpointsQuery } from "../../api/settings";
import { useNotify } from "../../bridge/hooks";
import { useT } from "../../i18n/useT";
import { Empty, Section } from "../../ui/states";
import { Confirm, resultErrors, SecretOnce, SectionGate, when } from "./common";
import { WebhookDeliveries } from "./WebhookDeliveries";
import { WebhookEndpointForm, type EndpointValues } from "./WebhookEndpointForm";

const NEEDS = ["MANAGE_APPS"] as const;
const DELIVERIES = 20;

/** The shop's outgoing webhook endpoints (docs/events.md): list, add (the signing secret shown once), change,
 * remove after a confirmation, and each endpoint's recent deliveries. */
export function WebhookEndpointsSection() {
  const t = useT();
  const intl = useIntl();
  const notify = useNotify();
  const [{ data, fetching, error }, refetch] = useQuery({ query: WebhookEndpointsQuery, variables: { deliveries: DELIVERIES } });
  const [deleting, remove] = useMutation(WebhookEndpointDeleteMutation);
  const [editing, setEditing] = useState<EndpointValues | "new" | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [toDelete, setToDelete] = useState<{ id: string; url: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const endpoints = data?.webhookEndpoints;
  const reload = () => refetch({ requestPolicy: "network-only" });

  const confirmDelete = async () => {
    if (!toDelete) return;
    const result = await remove({ id: toDelete.id });
    const refused = resultErrors(result.error, result.data?.webhookEndpointDelete);
    if (refused.length > 0) {
      notify.error(t("set.hooks.deleteFailed"), refused);
      return;
    }
    setToDelete(null);
    notify.success(t("set.hooks.deleted"));
    reload();
  };

  return (
    <Section title={t("set.hooks")} data-section="webhooks">
      <Text>{t("set.hooks.intro")}</Text>
      {!endpoints ? (
        <SectionGate fetching={fetching} hasData={false} error={error} needs={NEEDS} onRetry={reload} />
      ) : (
        <>
          {secret && <SecretOnce title={t("set.hooks.secretTitle")} secret={secret} onDone={() => setSecret(null)} />}
          {toDelete && (
            <Confirm
              title={t("set.hooks.deleteTitle")}
              text={t("set.hooks.deleteText", { url: toDelete.url })}
              confirmLabel={t("set.hooks.delete")}
              busy={deleting.fetching}
              onConfirm={confirmDelete}
              onClose={() => setToDelete(null)}
            />
          )}
          {editing ? (
            <WebhookEndpointForm
              key={editing === "new" ? "new" : editing.id}
              endpoint={editing === "new" ? null : editing}
              onSaved={(made) => {
                setEditing(null);
                setSecret(made);
                reload();
              }}
              onClose={() => setEditing(null)}
            />
          ) : (
            <Box>
              <Button type="button" variant="primary" onClick={() => setEditing("new")}>
                {t("set.hooks.add")}
              </Button>
            </Box>
          )}
          {endpoints.length === 0 ? (
            <Empty>{t("set.hooks.empty")}</Empty>
          ) : (
            <Box as="ul" display="flex" flexDirection="column" gap={3} style={{ listStyle: "none", padding: 0, margin: 0 }} data-endpoints>
              {endpoints.map((endpoint) => (
                <Box
                  as="li"
                  key={endpoint.id}
                  data-endpoint={endpoint.url}
                  display="flex"
                  flexDirection="column"
                  gap={2}
                  padding={4}
                  borderWidth={1}
                  borderStyle="solid"
                  borderColor="default1"
                  borderRadius={4}
                >
                  <Text fontWeight="bold">
                    <code>{endpoint.url}</code>
                  </Text>
                  {endpoint.description && <Text>{endpoint.description}</Text>}
                  <Text size={3}>
                    {endpoint.isActive ? t("set.hooks.isActive") : t("set.hooks.inactive")} ·{" "}
                    {endpoint.eventTypes.length === 0 ? t("set.hooks.allEvents") : endpoint.eventTypes.join(", ")} ·{" "}
                    {t("set.hooks.since", { date: when(endpoint.createdAt, intl.locale) })}
                  </Text>
                  <Box display="flex" gap={2} flexWrap="wrap">
                    <Button
                      type="button"
                      variant="secondary"
                      size="small"
                      aria-expanded={open === endpoint.id}
                      onClick={() => setOpen(open === endpoint.id ? null : endpoint.id)}
                    >
                      {t("set.hooks.deliveries", { count: endpoint.recentDeliveries.length })}
                    </Button>
                    <Button
                      type="button"
                      variant="secondary"
                      size="small"
                      onClick={() =>
                        setEditing({
                          id: endpoint.id,
                          url: endpoint.url,
                          description: endpoint.description,
                          eventTypes: endpoint.eventTypes,
                          isActive: endpoint.isActive,
                        })
                      }
                    >
                      {t("set.edit")}
                    </Button>
                    <Button type="button" variant="secondary" size="small" onClick={() => setToDelete({ id: endpoint.id, url: endpoint.url })}>
                      {t("set.hooks.delete")}
                    </Button>
                  </Box>
                  {open === endpoint.id && <WebhookDeliveries deliveries={endpoint.recentDeliveries} />}
                </Box>
              ))}
            </Box>
          )}
        </>
      )}
    </Section>
  );
}
