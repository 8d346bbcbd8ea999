import { useCallback, useMemo, useState } from "react";
import { useMutation, useQuery } from "urql";

import { errorsByField, type FieldError } from "../../api/errors";
import { InstallationSettingsQuery, InstallationSettingsUpdateMutation } from "../../api/settings";
import { useNotify } from "../../bridge/hooks";
import type { InstallationSettingsFieldsFragment, InstallationSettingsUpdateMutationVariables } from "../../gql/graphql";
import { useT } from "../../i18n/useT";
import { resultErrors } from "./common";

/** `installationSettings` and `installationSettingsUpdate` need MANAGE_SETTINGS (docs/api.md). */
export const SETTINGS_PERMISSIONS = ["MANAGE_SETTINGS"] as const;

export type SettingsChanges = InstallationSettingsUpdateMutationVariables;

/** A whole number from a form field, or null (then the API's own check names the field). */
export function wholeNumber(text: string): number | null {
  const trimmed = text.trim();
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : null;
}

/** The shop's settings (one query the general, dunning and self-service sections share) and a save that
 * sends only what changed, shows the API's field errors on their fields and as a dashboard notification. */
export function useShopSettings() {
  const t = useT();
  const notify = useNotify();
  const [{ data, fetching, error }, refetch] = useQuery({ query: InstallationSettingsQuery });
  const [saving, update] = useMutation(InstallationSettingsUpdateMutation);
  // The same settings read again (cache, then network) keep their identity, so a form being typed in is not
  // reset; changed settings (after a save) reset it. The client has no cache, so a save's answer (the settings
  // as saved) stands in for the query's until the query answers anew: the form then compares against what was
  // saved, and a second save sends only the new change.
  const queried = JSON.stringify(data?.installationSettings ?? null);
  const [answered, setAnswered] = useState<{ over: string; json: string } | null>(null);
  const json = answered && answered.over === queried ? answered.json : queried;
  const settings = useMemo(() => JSON.parse(json) as InstallationSettingsFieldsFragment | null, [json]);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const save = useCallback(
    async (changes: SettingsChanges): Promise<boolean> => {
      const result = await update(changes);
      const errors: FieldError[] = resultErrors(result.error, result.data?.installationSettingsUpdate);
      setFieldErrors(errorsByField(errors));
      if (errors.length > 0) {
        notify.error(t("set.saveFailed"), errors);
        return false;
      }
      const saved = result.data?.installationSettingsUpdate?.installationSettings;
      if (saved) {
        setAnswered({ over: queried, json: JSON.stringify(saved) });
      }
      notify.success(t("set.savedSettings"));
      return true;
    },
    [update, notify, t, queried],
  );
  return {
    settings,
    hasData: settings !== null,
    fetching,
    error,
    retry: () => refetch({ requestPolicy: "network-only" }),
    save,
    saving: saving.fetching,
    fieldErrors,
  };
}
