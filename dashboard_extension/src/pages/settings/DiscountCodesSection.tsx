import { Box, Button, Text } from "@saleor/macaw-ui";
import { useEffect, useState } from "react";
import { useIntl } from "react-intl";
import { useMutation, useQuery } from "urql";

import { DiscountCodeDeactivateMutation, DiscountCodesQuery } from "../../api/settings";
import { useNotify } from "../../bridge/hooks";
import type { DiscountCodeFieldsFragment } from "../../gql/graphql";
import { useT } from "../../i18n/useT";
import { Empty, Section } from "../../ui/states";
import { Table, TBody, TD, TH, THead, TR } from "../../ui/table";
import { CheckField, Confirm, resultErrors, SectionGate, when, TextField } from "./common";
import { DiscountCodeForm } from "./DiscountCodeForm";
import { amountOff } from "./discountForm";

const NEEDS = ["MANAGE_DISCOUNTS", "MANAGE_ORDERS"] as const;
const PAGE = 50;

/** The shop's discount codes with their redemptions: search, create, edit, deactivate (with a reason). */
export function DiscountCodesSection() {
  const t = useT();
  const intl = useIntl();
  const notify = useNotify();
  const [typed, setTyped] = useState("");
  const [search, setSearch] = useState("");
  const [activeOnly, setActiveOnly] = useState(false);
  const [after, setAfter] = useState<string | null>(null);
  useEffect(() => {
    const timer = window.setTimeout(() => {
      setSearch(typed.trim());
      setAfter(null);
    }, 300);
    return () => window.clearTimeout(timer);
  }, [typed]);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: DiscountCodesQuery,
    variables: { search: search || null, active: activeOnly ? true : null, first: PAGE, after },
  });
  const [deactivating, deactivate] = useMutation(DiscountCodeDeactivateMutation);
  const [editing, setEditing] = useState<DiscountCodeFieldsFragment | "new" | null>(null);
  const [toDeactivate, setToDeactivate] = useState<DiscountCodeFieldsFragment | null>(null);
  const page = data?.discountCodes;
  const reload = () => refetch({ requestPolicy: "network-only" });

  const confirmDeactivate = async (reason: string) => {
    if (!toDeactivate) return;
    const result = await deactivate({ id: toDeactivate.id, reason: reason.trim() || null });
    const refused = resultErrors(result.error, result.data?.staffDiscountCodeDeactivate);
    if (refused.length > 0) {
      notify.error(t("set.codes.deactivateFailed"), refused);
      return;
    }
    setToDeactivate(null);
    notify.success(t("set.codes.deactivated"));
    reload();
  };

  return (
    <Section title={t("set.codes")} data-section="discounts">
      <Text>{t("set.codes.intro")}</Text>
      {!page ? (
        <SectionGate fetching={fetching} hasData={false} error={error} needs={NEEDS} anyOf onRetry={reload} />
      ) : (
        <>
          {toDeactivate && (
            <Confirm
              title={t("set.codes.deactivateTitle", { code: toDeactivate.code })}
              text={t("set.codes.deactivateText")}
              confirmLabel={t("set.codes.deactivate")}
              busy={deactivating.fetching}
              reason
              onConfirm={confirmDeactivate}
              onClose={() => setToDeactivate(null)}
            />
          )}
          {editing ? (
            <DiscountCodeForm
              key={editing === "new" ? "new" : editing.id}
              code={editing === "new" ? null : editing}
              onSaved={() => {
                setEditing(null);
                reload();
              }}
              onClose={() => setEditing(null)}
            />
          ) : (
            <Box>
              <Button type="button" variant="primary" onClick={() => setEditing("new")}>
                {t("set.codes.add")}
              </Button>
            </Box>
          )}
          <Box display="flex" gap={4} alignItems="flex-end" flexWrap="wrap">
            <Box style={{ minWidth: 260 }}>
              <TextField name="search" label={t("set.codes.search")} value={typed} onChange={setTyped} />
            </Box>
            <CheckField
              name="activeOnly"
              label={t("set.codes.activeOnly")}
              checked={activeOnly}
              onChange={(on) => {
                setActiveOnly(on);
                setAfter(null);
              }}
            />
          </Box>
          <Text size={3} data-codes-total>
            {t("set.codes.total", { count: page.totalCount })}
          </Text>
          {page.edges.length === 0 ? (
            <Empty>{search ? t("set.codes.noMatch") : t("set.codes.empty")}</Empty>
          ) : (
            <Table data-codes>
              <THead>
                <TR>
                  <TH>{t("set.codes.col.code")}</TH>
                  <TH>{t("set.codes.col.off")}</TH>
                  <TH>{t("set.codes.col.duration")}</TH>
                  <TH>{t("set.codes.col.redemptions")}</TH>
                  <TH>{t("set.codes.col.valid")}</TH>
                  <TH>{t("set.codes.col.status")}</TH>
                  <TH>{t("set.actions")}</TH>
                </TR>
              </THead>
              <TBody>
                {page.edges.map(({ node: code }) => (
                  <TR key={code.id} data-code={code.code} data-active={code.active ? "yes" : "no"}>
                    <TD>
                      <code>{code.code}</code>
                    </TD>
                    <TD>
                      {amountOff(code)} · {t(`set.codes.appliesTo.${code.appliesTo.toUpperCase() as "PRICE" | "SETUP_FEE" | "BOTH"}`)}
                    </TD>
                    <TD>
                      {code.duration === "repeating"
                        ? t("set.codes.forInvoices", { count: code.durationPeriods ?? 0 })
                        : t(`set.codes.duration.${code.duration.toUpperCase() as "ONCE" | "FOREVER"}`)}
                    </TD>
                    <TD data-redemptions>
                      {code.maxRedemptions === null || code.maxRedemptions === undefined
                        ? code.redemptionCount
                        : `${code.redemptionCount} / ${code.maxRedemptions}`}
                    </TD>
                    <TD>
                      {code.validFrom || code.validUntil
                        ? `${when(code.validFrom, intl.locale) || "…"} – ${when(code.validUntil, intl.locale) || "…"}`
                        : t("set.codes.always")}
                    </TD>
                    <TD>{code.active ? t("set.codes.active") : t("set.codes.inactive")}</TD>
                    <TD>
                      <Box display="flex" gap={2}>
                        <Button type="button" variant="secondary" size="small" onClick={() => setEditing(code)}>
                          {t("set.edit")}
                        </Button>
                        {code.active && (
                          <Button type="button" variant="secondary" size="small" onClick={() => setToDeactivate(code)}>
                            {t("set.codes.deactivate")}
                          </Button>
                        )}
                      </Box>
                    </TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          )}
          <Box display="flex" gap={2}>
            {after && (
              <Button type="button" variant="secondary" onClick={() => setAfter(null)}>
                {t("set.codes.first")}
              </Button>
            )}
            {page.pageInfo.hasNextPage && (
              <Button type="button" variant="secondary" onClick={() => setAfter(page.pageInfo.endCursor ?? null)}>
                {t("set.codes.next")}
              </Button>
            )}
          </Box>
        </>
      )}
    </Section>
  );
}
