import { Box, Button, Text } from "@saleor/macaw-ui";
import { useEffect, useRef } from "react";
import { useQuery } from "urql";

import { BackgroundJobQuery } from "../api/jobs";
import type { BackgroundJobStatus } from "../gql/graphql";
import { useT } from "../i18n/useT";
import { Table, TBody, TD, TH, THead, TR } from "../ui/table";

/** How often a job under way is read again. */
export const POLL_MS = 1000;

export function finished(status: BackgroundJobStatus | undefined): boolean {
  return status === "DONE" || status === "FAILED";
}

/**
 * A background job's progress, read again every POLL_MS until it is done or stopped: how far (rows, or the
 * clock's percent), and the rows the rules refused with their reasons. `onFinished` is called once at the end.
 */
export function JobProgress({
  jobId,
  onFinished,
  onClose,
}: {
  jobId: string;
  onFinished?: (status: BackgroundJobStatus) => void;
  onClose?: () => void;
}) {
  const t = useT();
  const [{ data }, reexecute] = useQuery({ query: BackgroundJobQuery, variables: { id: jobId }, requestPolicy: "network-only" });
  const job = data?.backgroundJob;
  const status = job?.status;
  const told = useRef(false);

  useEffect(() => {
    if (finished(status)) {
      if (!told.current && status) {
        told.current = true;
        onFinished?.(status);
      }
      return;
    }
    const timer = window.setTimeout(() => reexecute({ requestPolicy: "network-only" }), POLL_MS);
    return () => window.clearTimeout(timer);
  }, [data, status, reexecute, onFinished]);

  if (!job) {
    return null;
  }
  const clock = job.kind === "TEST_CLOCK";
  return (
    <Box
      as="section"
      aria-label={t("job.title")}
      data-job={job.id}
      data-job-status={job.status}
      display="flex"
      flexDirection="column"
      gap={3}
      padding={4}
      borderWidth={1}
      borderStyle="solid"
      borderColor="default1"
      borderRadius={4}
    >
      <Text as="h2" size={5} fontWeight="bold">
        {t("job.title")}: {t(`job.kind.${job.kind}`)}
      </Text>
      <Text data-job-state role="status">
        {t(`job.status.${job.status}`)}
      </Text>
      <progress max={job.total || 1} value={job.done} aria-label={t("job.title")} style={{ width: "100%" }} />
      <Text data-job-counts>
        {clock
          ? t("job.percent", { done: job.done })
          : t("job.progress", { done: job.done, total: job.total, failed: job.failed })}
      </Text>
      {job.message && <Text data-job-message>{job.message}</Text>}
      {job.failures.length > 0 && (
        <Table data-job-failures>
          <caption style={{ textAlign: "left" }}>{t("job.failures")}</caption>
          <THead>
            <TR>
              <TH scope="col">{t("job.col.number")}</TH>
              <TH scope="col">{t("job.col.code")}</TH>
              <TH scope="col">{t("job.col.message")}</TH>
            </TR>
          </THead>
          <TBody>
            {job.failures.map((row) => (
              <TR key={row.subscriptionId} data-failure={row.number}>
                <TD>#{row.number}</TD>
                <TD>{row.code}</TD>
                <TD>{row.message}</TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
      {onClose && finished(job.status) && (
        <Box>
          <Button variant="secondary" data-action="close-job" onClick={onClose}>
            {t("job.close")}
          </Button>
        </Box>
      )}
    </Box>
  );
}
