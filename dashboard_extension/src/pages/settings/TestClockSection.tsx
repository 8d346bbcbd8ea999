import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { useCallback, useState, type FormEvent } from "react";
import { useClient, useQuery } from "urql";

import { errorsByField, requestErrors } from "../../api/errors";
import { TestClockAdvanceMutation, TestClockQuery } from "../../api/jobs";
import { useNotify } from "../../bridge/hooks";
import { useT } from "../../i18n/useT";
import { JobProgress } from "../../jobs/JobProgress";

/** A `datetime-local` value (the browser's own zone) as an ISO moment with its offset; null when empty or bad. */
export function localToIso(value: string): string | null {
  if (!value) {
    return null;
  }
  const moment = new Date(value);
  return Number.isNaN(moment.getTime()) ? null : moment.toISOString();
}

/**
 * Settings → the sandbox's test clock: where it stands, a moment to advance it to, and the advance's progress
 * (a background job, read again until it ends). A live installation has no test clock: it says so.
 */
export function TestClockSection() {
  const t = useT();
  const client = useClient();
  const notify = useNotify();
  const [{ data }, refetch] = useQuery({ query: TestClockQuery, requestPolicy: "network-only" });
  const [to, setTo] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [started, setStarted] = useState<string | null>(null);
  const clock = data?.testClock;
  const jobId = started ?? clock?.job?.id ?? null;
  const onFinished = useCallback(() => refetch({ requestPolicy: "network-only" }), [refetch]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const iso = localToIso(to);
    if (!iso) {
      setErrors({ to: t("clock.to") });
      return;
    }
    setBusy(true);
    const result = await client.mutation(TestClockAdvanceMutation, { to: iso }).toPromise();
    setBusy(false);
    const refused = result.error ? requestErrors(result.error) : (result.data?.testClockAdvance?.errors ?? []);
    const job = result.data?.testClockAdvance?.job;
    if (refused.length > 0 || !job) {
      setErrors(errorsByField(refused));
      notify.error(t("clock.refused"), refused);
      return;
    }
    setErrors({});
    notify.success(t("clock.started"));
    setStarted(job.id);
  };

  return (
    <Box as="section" aria-labelledby="test-clock-title" display="flex" flexDirection="column" gap={3} data-section="test-clock">
      <Text as="h2" id="test-clock-title" size={6} fontWeight="bold">
        {t("clock.title")}
      </Text>
      {clock && !clock.sandbox && <Text data-clock-live>{t("clock.live")}</Text>}
      {clock?.sandbox && (
        <>
          <Text data-clock-now>{t("clock.now", { now: new Date(clock.now).toLocaleString() })}</Text>
          <Text size={2}>{t("clock.intro")}</Text>
          <Box as="form" display="flex" gap={3} alignItems="flex-end" flexWrap="wrap" onSubmit={submit} noValidate>
            <Input
              name="to"
              type="datetime-local"
              label={t("clock.to")}
              value={to}
              error={Boolean(errors.to)}
              aria-invalid={Boolean(errors.to)}
              role={undefined}
              helperText={errors.to}
              onChange={(event) => setTo(event.target.value)}
            />
            <Button type="submit" variant="primary" disabled={busy} data-action="advance-clock">
              {t("clock.advance")}
            </Button>
          </Box>
          {(errors.sandbox || errors[""]) && (
            <Text color="critical1" role="alert">
              {errors.sandbox ?? errors[""]}
            </Text>
          )}
        </>
      )}
      {jobId && <JobProgress key={jobId} jobId={jobId} onFinished={onFinished} />}
    </Box>
  );
}
