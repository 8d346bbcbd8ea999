import { Box, Text } from "@saleor/macaw-ui";
import { useIntl } from "react-intl";

import type { WebhookEndpointsQuery } from "../../gql/graphql";
import { useT } from "../../i18n/useT";
import { Table, TBody, TD, TH, THead, TR } from "../../ui/table";
import { when } from "./common";

type Delivery = NonNullable<WebhookEndpointsQuery["webhookEndpoints"]>[number]["recentDeliveries"][number];

/** An endpoint's recent deliveries, newest first, each with its tries. */
export function WebhookDeliveries({ deliveries }: { deliveries: Delivery[] }) {
  const t = useT();
  const intl = useIntl();
  if (deliveries.length === 0) {
    return (
      <Text size={3} data-deliveries="none">
        {t("set.hooks.noDeliveries")}
      </Text>
    );
  }
  return (
    <Table data-deliveries>
      <THead>
        <TR>
          <TH>{t("set.hooks.col.when")}</TH>
          <TH>{t("set.hooks.col.event")}</TH>
          <TH>{t("set.hooks.col.status")}</TH>
          <TH>{t("set.hooks.col.tries")}</TH>
        </TR>
      </THead>
      <TBody>
        {deliveries.map((d) => (
          <TR key={d.id} data-delivery={d.status}>
            <TD>{when(d.createdAt, intl.locale)}</TD>
            <TD>
              <code>{d.eventType}</code>
              <Text as="p" size={2}>
                {d.eventId}
              </Text>
            </TD>
            <TD>
              {t(`set.hooks.status.${d.status}`)}
              {d.nextAttemptAt && (
                <Text as="p" size={2}>
                  {t("set.hooks.nextTry", { date: when(d.nextAttemptAt, intl.locale) })}
                </Text>
              )}
            </TD>
            <TD>
              <Box as="ul" style={{ margin: 0, paddingLeft: 16 }}>
                {d.log.map((a) => (
                  <li key={a.number}>
                    {t("set.hooks.try", {
                      number: a.number,
                      date: when(a.at, intl.locale),
                      answer: a.statusCode === null || a.statusCode === undefined ? a.error : `HTTP ${a.statusCode}`,
                      ms: a.durationMs,
                    })}
                  </li>
                ))}
              </Box>
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
