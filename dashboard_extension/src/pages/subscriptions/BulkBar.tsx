import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { useId, useState, type FormEvent } from "react";
import { useClient } from "urql";

import { SubscriptionsBulkActionMutation } from "../../api/jobs";
import { errorsByField, requestErrors } from "../../api/errors";
import { useNotify } from "../../bridge/hooks";
import { useT } from "../../i18n/useT";
import { CancelOptions, PriceMigrationOptions } from "./BulkOptions";
import type { ListState } from "./listState";
import {
  BULK_ACTIONS,
  bulkVariables,
  EMPTY_BULK_FORM,
  selectAllMatching,
  selectedCount,
  type BulkForm,
  type ListBulkAction,
  type Selection,
} from "./selection";

const WHOLE = /^\d+$/;

/**
 * The bar over a list with rows selected: how many, "select all matching the filter", the bulk actions, and
 * the confirmation naming how many subscriptions the action will change. A started job is handed to
 * `onStarted` (the page shows its progress).
 */
export function BulkBar({
  selection,
  setSelection,
  state,
  totalCount,
  onStarted,
}: {
  selection: Selection;
  setSelection: (next: Selection) => void;
  state: ListState;
  totalCount: number;
  onStarted: (jobId: string) => void;
}) {
  const t = useT();
  const [action, setAction] = useState<ListBulkAction | null>(null);
  const count = selectedCount(selection, totalCount);
  if (count === 0) {
    return null;
  }
  return (
    <Box display="flex" flexDirection="column" gap={3} data-bulk-bar>
      <Box display="flex" gap={3} alignItems="center" flexWrap="wrap">
        <Text data-selected-count>
          {selection.allMatching ? t("bulk.allSelected", { count }) : t("bulk.selected", { count })}
        </Text>
        {!selection.allMatching && totalCount > selection.ids.size && (
          <Button variant="tertiary" data-action="select-all" onClick={() => setSelection(selectAllMatching(selection))}>
            {t("bulk.selectAll", { count: totalCount })}
          </Button>
        )}
        <Button variant="tertiary" data-action="clear-selection" onClick={() => setSelection({ ids: new Set(), allMatching: false })}>
          {t("bulk.clear")}
        </Button>
      </Box>
      <Box role="group" aria-label={t("bulk.actions")} display="flex" gap={2} flexWrap="wrap">
        {BULK_ACTIONS.map((kind) => (
          <Button key={kind} variant="secondary" data-bulk={kind} onClick={() => setAction(kind)}>
            {t(`bulk.${kind}`)}
          </Button>
        ))}
      </Box>
      {action && (
        <BulkDialog
          action={action}
          count={count}
          selection={selection}
          state={state}
          onClose={() => setAction(null)}
          onStarted={(jobId) => {
            setAction(null);
            onStarted(jobId);
          }}
        />
      )}
    </Box>
  );
}

function BulkDialog({
  action,
  count,
  selection,
  state,
  onClose,
  onStarted,
}: {
  action: ListBulkAction;
  count: number;
  selection: Selection;
  state: ListState;
  onClose: () => void;
  onStarted: (jobId: string) => void;
}) {
  const t = useT();
  const client = useClient();
  const notify = useNotify();
  const titleId = useId();
  const [form, setForm] = useState<BulkForm>(EMPTY_BULK_FORM);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const periods = form.periods.trim();
    if (action === "PAUSE" && periods && !(WHOLE.test(periods) && Number(periods) >= 1)) {
      setErrors({ periods: t("act.periodsInvalid") });
      return;
    }
    if (action === "PRICE_MIGRATION" && !form.version) {
      setErrors({ version: t("bulk.migrationPick") });
      return;
    }
    setBusy(true);
    const result = await client
      .mutation(SubscriptionsBulkActionMutation, bulkVariables(action, selection, state, form))
      .toPromise();
    setBusy(false);
    const refused = result.error ? requestErrors(result.error) : (result.data?.staffSubscriptionsBulkAction?.errors ?? []);
    const job = result.data?.staffSubscriptionsBulkAction?.job;
    if (refused.length > 0 || !job) {
      setErrors(errorsByField(refused));
      notify.error(t("bulk.refused"), refused);
      return;
    }
    notify.success(t("bulk.started"));
    onStarted(job.id);
  };
  const other = Object.entries(errors)
    .filter(([name]) => !["periods", "reason", "version"].includes(name))
    .map(([name, message]) => (name ? `${name}: ${message}` : message));

  return (
    <Box
      role="dialog"
      aria-modal="true"
      aria-labelledby={titleId}
      data-dialog="bulk"
      display="flex"
      flexDirection="column"
      gap={3}
      padding={5}
      borderWidth={1}
      borderStyle="solid"
      borderColor="default1"
      borderRadius={4}
      backgroundColor="default1"
    >
      <Text as="h2" id={titleId} size={6} fontWeight="bold">
        {t("bulk.confirmTitle")}
      </Text>
      <Text data-confirm-text>{t(`bulk.confirm.${action}`, {
        count,
        effect: form.effect || "PLAN",
        credit: form.effect === "PERIOD_END" ? "PLAN" : form.credit || "PLAN",
      })}</Text>
      <Text size={2}>{t("bulk.confirmHelp")}</Text>
      <Box as="form" display="flex" flexDirection="column" gap={3} onSubmit={submit} noValidate>
        {action === "PAUSE" && (
          <Input
            name="periods"
            type="number"
            label={t("bulk.periods")}
            value={form.periods}
            error={Boolean(errors.periods)}
            aria-invalid={Boolean(errors.periods)}
            role={undefined}
            helperText={errors.periods}
            onChange={(event) => setForm({ ...form, periods: event.target.value })}
          />
        )}
        {action === "CANCEL" && <CancelOptions form={form} setForm={setForm} />}
        {action === "PRICE_MIGRATION" && (
          <PriceMigrationOptions
            form={form}
            setForm={(next) => {
              setForm(next);
              if (next.plan !== form.plan) {
                // Another plan picked: the refusal of the last one no longer applies.
                setErrors((shown) => Object.fromEntries(Object.entries(shown).filter(([name]) => name !== "version")));
              }
            }}
            error={errors.version}
          />
        )}
        <Input
          name="reason"
          type="text"
          label={t("bulk.reason")}
          value={form.reason}
          maxLength={200}
          error={Boolean(errors.reason)}
          aria-invalid={Boolean(errors.reason)}
          role={undefined}
          helperText={errors.reason}
          onChange={(event) => setForm({ ...form, reason: event.target.value })}
        />
        {other.length > 0 && (
          <Text color="critical1" role="alert" data-refusal>
            {other.join("; ")}
          </Text>
        )}
        <Box display="flex" gap={2}>
          <Button type="submit" variant="primary" disabled={busy} data-action="confirm-bulk">
            {t("bulk.start")}
          </Button>
          <Button type="button" variant="secondary" onClick={onClose}>
            {t("bulk.back")}
          </Button>
        </Box>
      </Box>
    </Box>
  );
}
