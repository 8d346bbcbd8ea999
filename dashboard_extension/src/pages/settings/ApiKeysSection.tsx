import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState, type FormEvent } from "react";
import { useIntl } from "react-intl";
import { useMutation, useQuery } from "urql";

import { errorsByField } from "../../api/errors";
import { ApiKeyCreateMutation, ApiKeyRevokeMutation, ApiKeysQuery } from "../../api/settings";
import { useNotify } from "../../bridge/hooks";
import type { ApiKeyScope } from "../../gql/graphql";
import { useT } from "../../i18n/useT";
import { Empty, Section } from "../../ui/states";
import { Table, TBody, TD, TH, THead, TR } from "../../ui/table";
import { CheckField, Confirm, otherErrors, Refusal, resultErrors, SecretOnce, SectionGate, when, TextField } from "./common";

const NEEDS = ["MANAGE_APPS"] as const;
const SCOPES: ApiKeyScope[] = ["READ", "WRITE", "USAGE"];

/** The shop's API keys: scopes and last use, a new key's secret shown once, revoking after a confirmation. */
export function ApiKeysSection() {
  const t = useT();
  const intl = useIntl();
  const notify = useNotify();
  const [{ data, fetching, error }, refetch] = useQuery({ query: ApiKeysQuery });
  const [creating, create] = useMutation(ApiKeyCreateMutation);
  const [revoking, revoke] = useMutation(ApiKeyRevokeMutation);
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<ApiKeyScope[]>(["READ"]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [toRevoke, setToRevoke] = useState<{ id: string; name: string } | null>(null);
  const keys = data?.apiKeys;
  const reload = () => refetch({ requestPolicy: "network-only" });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await create({ name: name.trim(), scopes });
    const refused = resultErrors(result.error, result.data?.apiKeyCreate);
    setErrors(errorsByField(refused));
    if (refused.length > 0) {
      notify.error(t("set.keys.createFailed"), refused);
      return;
    }
    setSecret({ name: name.trim(), secret: result.data?.apiKeyCreate?.secret ?? "" });
    setName("");
    notify.success(t("set.keys.created"));
    reload();
  };
  const confirmRevoke = async () => {
    if (!toRevoke) return;
    const result = await revoke({ id: toRevoke.id });
    const refused = resultErrors(result.error, result.data?.apiKeyRevoke);
    if (refused.length > 0) {
      notify.error(t("set.keys.revokeFailed"), refused);
      return;
    }
    setToRevoke(null);
    notify.success(t("set.keys.revoked"));
    reload();
  };

  return (
    <Section title={t("set.keys")} data-section="apiKeys">
      <Text>{t("set.keys.intro")}</Text>
      {!keys ? (
        <SectionGate fetching={fetching} hasData={false} error={error} needs={NEEDS} onRetry={reload} />
      ) : (
        <>
          {secret && (
            <SecretOnce title={t("set.keys.secretTitle", { name: secret.name })} secret={secret.secret} onDone={() => setSecret(null)} />
          )}
          {toRevoke && (
            <Confirm
              title={t("set.keys.revokeTitle", { name: toRevoke.name })}
              text={t("set.keys.revokeText")}
              confirmLabel={t("set.keys.revoke")}
              busy={revoking.fetching}
              onConfirm={confirmRevoke}
              onClose={() => setToRevoke(null)}
            />
          )}
          {keys.length === 0 ? (
            <Empty>{t("set.keys.empty")}</Empty>
          ) : (
            <Table data-api-keys>
              <THead>
                <TR>
                  <TH>{t("set.keys.col.name")}</TH>
                  <TH>{t("set.keys.col.prefix")}</TH>
                  <TH>{t("set.keys.col.scopes")}</TH>
                  <TH>{t("set.keys.col.created")}</TH>
                  <TH>{t("set.keys.col.lastUsed")}</TH>
                  <TH>{t("set.keys.col.status")}</TH>
                  <TH>
                    {t("set.actions")}
                  </TH>
                </TR>
              </THead>
              <TBody>
                {keys.map((key) => (
                  <TR key={key.id} data-key={key.name} data-revoked={key.revokedAt ? "yes" : "no"}>
                    <TD>{key.name}</TD>
                    <TD>
                      <code>{key.prefix}…</code>
                    </TD>
                    <TD>{key.scopes.map((s) => t(`set.keys.scope.${s}`)).join(", ")}</TD>
                    <TD>{when(key.createdAt, intl.locale)}</TD>
                    <TD>{key.lastUsedAt ? when(key.lastUsedAt, intl.locale) : t("set.keys.never")}</TD>
                    <TD>
                      {key.revokedAt ? t("set.keys.revokedOn", { date: when(key.revokedAt, intl.locale) }) : t("set.keys.active")}
                    </TD>
                    <TD>
                      {!key.revokedAt && (
                        <Button type="button" variant="secondary" size="small" onClick={() => setToRevoke({ id: key.id, name: key.name })}>
                          {t("set.keys.revoke")}
                        </Button>
                      )}
                    </TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          )}
          <Box as="form" display="flex" flexDirection="column" gap={3} onSubmit={submit} noValidate style={{ maxWidth: 560 }} data-form="apiKey">
            <Text as="h3" size={5} fontWeight="bold">
              {t("set.keys.new")}
            </Text>
            <TextField name="name" label={t("set.keys.name")} value={name} error={errors.name} help={t("set.keys.nameHelp")} onChange={setName} />
            <Box as="fieldset" display="flex" flexDirection="column" gap={2} borderWidth={0} padding={0}>
              <legend>
                <Text size={2}>{t("set.keys.scopes")}</Text>
              </legend>
              {SCOPES.map((scope) => (
                <CheckField
                  key={scope}
                  name={`scope-${scope}`}
                  label={`${t(`set.keys.scope.${scope}`)}: ${t(`set.keys.scopeHelp.${scope}`)}`}
                  checked={scopes.includes(scope)}
                  onChange={(on) => setScopes(on ? [...scopes, scope] : scopes.filter((s) => s !== scope))}
                />
              ))}
              {errors.scopes && (
                <Text size={2} color="critical1" role="alert">
                  {errors.scopes}
                </Text>
              )}
            </Box>
            <Refusal messages={otherErrors(errors, ["name", "scopes"])} />
            <Box>
              <Button type="submit" variant="primary" disabled={creating.fetching}>
                {t("set.keys.create")}
              </Button>
            </Box>
          </Box>
        </>
      )}
    </Section>
  );
}
