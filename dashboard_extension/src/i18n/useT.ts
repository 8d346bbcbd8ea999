import { useCallback } from "react";
import { useIntl } from "react-intl";

import type { MessageId } from "./messages";

type Values = Record<string, string | number>;

/** `t("plans.add")`: the message of the dashboard's language. */
export function useT() {
  const intl = useIntl();
  return useCallback((id: MessageId, values?: Values) => intl.formatMessage({ id }, values), [intl]);
}
