import { Box, Text } from "@saleor/macaw-ui";
import { useEffect, useState } from "react";
import { useIntl } from "react-intl";
import { useQuery } from "urql";

import { SchedulePreviewQuery } from "../../api/documents";
import { errorsByField } from "../../api/errors";
import type { PlanTermsInput } from "../../gql/graphql";
import { useT } from "../../i18n/useT";
import { isTrial, proratedDays, shortDate } from "./preview";

export const PREVIEW_DEBOUNCE_MS = 400;

interface Props {
  terms: PlanTermsInput;
  currency: string;
  channelPrice: string | null;
  planId: string | null;
  onErrors?: (errors: Record<string, string>) => void;
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** The first charges of the terms being typed ("15.00 on 16 Nov for 16 Nov – 1 Dec (15 of 30 days), then
 * 30.00 on 1 Dec"), asked of the API's `schedulePreview` once typing pauses. */
export function SchedulePreview({ terms, currency, channelPrice, planId, onErrors }: Props) {
  const t = useT();
  const { locale } = useIntl();
  const key = JSON.stringify({ terms, currency, channelPrice, planId });
  const debouncedKey = useDebounced(key, PREVIEW_DEBOUNCE_MS);
  const variables = JSON.parse(debouncedKey) as Omit<Props, "onErrors">;
  const [{ data, fetching, error }] = useQuery({
    query: SchedulePreviewQuery,
    variables: {
      terms: variables.terms,
      planId: variables.planId,
      currency: variables.planId ? null : variables.currency,
      channelPrice: variables.channelPrice,
      periods: 3,
    },
    requestPolicy: "network-only",
  });
  const preview = data?.schedulePreview;
  useEffect(() => {
    if (preview) {
      onErrors?.(errorsByField(preview.errors));
    }
  }, [preview, onErrors]);
  const stale = fetching || key !== debouncedKey;
  const [first, second] = preview?.charges ?? [];

  let sentence: string | null = null;
  if (first) {
    const days = proratedDays(first);
    sentence = t("preview.first", {
      amount: first.amount,
      due: shortDate(first.dueDate, locale),
      start: shortDate(first.periodStart, locale),
      end: shortDate(first.periodEnd, locale),
    });
    if (days) {
      sentence += ` ${t("preview.prorated", { days: days.days, total: days.total })}`;
    } else if (isTrial(first)) {
      sentence += ` (${t("preview.trial", { end: shortDate(first.periodEnd, locale) })})`;
    }
    if (second) {
      sentence += `, ${t("preview.then", { amount: second.amount, due: shortDate(second.dueDate, locale) })}`;
    }
  }

  return (
    <Box
      display="flex"
      flexDirection="column"
      gap={2}
      padding={4}
      borderRadius={4}
      backgroundColor="default1"
      data-preview={stale ? "loading" : sentence ? "ready" : "none"}
      aria-live="polite"
    >
      <Text fontWeight="bold">{t("preview.title")}</Text>
      {sentence ? (
        <Text data-preview-sentence color={stale ? "default2" : "default1"}>
          {sentence}
        </Text>
      ) : (
        <Text color="default2">
          {stale
            ? t("preview.loading")
            : (preview?.errors.map((e) => e.message).join("; ") ?? error?.message ?? t("preview.none"))}
        </Text>
      )}
      {preview?.timeZone && (
        <Text size={2} color="default2">
          {t("preview.timeZone", { zone: preview.timeZone })}
        </Text>
      )}
    </Box>
  );
}
