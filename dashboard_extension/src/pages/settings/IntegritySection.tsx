import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";
import { Link } from "react-router-dom";
import { useQuery } from "urql";

import { BillingIntegrityQuery } from "../../api/settings";
import { useT } from "../../i18n/useT";
import { Empty, Section } from "../../ui/states";
import { Table, TBody, TD, TH, THead, TR } from "../../ui/table";
import { Refusal, SectionGate } from "./common";

const NEEDS = ["MANAGE_ORDERS"] as const;
const LIMIT = 100;

/** The billing-integrity report (docs/reports.md): run on request, each finding with its rule, what was
 * expected and what was found, and links to its subscription. */
export function IntegritySection() {
  const t = useT();
  const [run, setRun] = useState(0);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: BillingIntegrityQuery,
    variables: { limit: LIMIT },
    pause: run === 0,
    requestPolicy: "network-only",
  });
  const report = data?.billingIntegrity;
  const start = () => (run === 0 ? setRun(1) : refetch({ requestPolicy: "network-only" }));
  return (
    <Section title={t("set.integrity")} data-section="integrity">
      <Text>{t("set.integrity.intro")}</Text>
      <Box>
        <Button type="button" variant="primary" disabled={fetching} onClick={start} data-action="run-integrity">
          {run === 0 ? t("set.integrity.run") : t("set.integrity.again")}
        </Button>
      </Box>
      {run > 0 && !report && <SectionGate fetching={fetching} hasData={false} error={error} needs={NEEDS} onRetry={start} />}
      {report && (
        <>
          <Refusal messages={report.errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message))} />
          {report.findings.length === 0 ? (
            <Empty>{t("set.integrity.clean")}</Empty>
          ) : (
            <>
              <Text data-findings-count>{t("set.integrity.count", { count: report.findings.length })}</Text>
              <Table data-findings>
                <THead>
                  <TR>
                    <TH>{t("set.integrity.col.rule")}</TH>
                    <TH>{t("set.integrity.col.expected")}</TH>
                    <TH>{t("set.integrity.col.found")}</TH>
                    <TH>{t("set.integrity.col.subscription")}</TH>
                    <TH>{t("set.integrity.col.invoice")}</TH>
                  </TR>
                </THead>
                <TBody>
                  {report.findings.map((f, index) => (
                    <TR key={`${f.rule}-${f.subscriptionId ?? ""}-${f.invoiceId ?? ""}-${index}`} data-finding={f.rule}>
                      <TD>
                        <Text fontWeight="medium">{t(`set.integrity.rule.${f.rule}`)}</Text>
                        <Text as="p" size={2}>
                          <code>{f.rule}</code>
                        </Text>
                      </TD>
                      <TD>{f.expected}</TD>
                      <TD>{f.found}</TD>
                      <TD>
                        {f.subscriptionId ? (
                          <Link to={`/subscriptions/${encodeURIComponent(f.subscriptionId)}`} style={{ textDecoration: "underline" }}>{t("set.integrity.open")}</Link>
                        ) : (
                          "—"
                        )}
                      </TD>
                      <TD>
                        {f.invoiceNumber && f.subscriptionId ? (
                          <Link to={`/subscriptions/${encodeURIComponent(f.subscriptionId)}#invoices`} style={{ textDecoration: "underline" }}>{f.invoiceNumber}</Link>
                        ) : (
                          (f.invoiceNumber ?? "—")
                        )}
                      </TD>
                    </TR>
                  ))}
                </TBody>
              </Table>
              {report.truncated && <Text>{t("set.integrity.truncated", { limit: LIMIT })}</Text>}
            </>
          )}
        </>
      )}
    </Section>
  );
}
