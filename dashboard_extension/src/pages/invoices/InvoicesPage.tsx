import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { ChevronLeft, ChevronRight } from "lucide-react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useLocation, useNavigate } from "react-router-dom";
import { useQuery } from "urql";

import { requestErrors } from "../../api/errors";
import { InvoiceListQuery } from "../../api/invoices";
import { useNotify } from "../../bridge/hooks";
import { useBridge } from "../../bridge/state";
import type { MessageId } from "../../i18n/messages";
import { useT } from "../../i18n/useT";
import { fetchChannels, type SaleorChannel } from "../../saleor/product";
import { AppNav } from "../../ui/AppNav";
import { DateField, SelectField } from "../../ui/fields";
import { useInteractiveMark } from "../../ui/interactive";
import { Empty, ErrorState, Loading } from "../../ui/states";
import { Table, TBody, TD, TH, THead, TR } from "../../ui/table";
import { money, useDates } from "../subscriptions/format";
import {
  attentionOf,
  DEFAULT_INVOICE_STATE,
  INVOICE_DATES,
  INVOICE_SORT_FIELDS,
  INVOICE_TABS,
  invoiceListVariables,
  invoiceStateQuery,
  parseInvoiceState,
  withInvoiceChange,
  type InvoiceListState,
  type InvoiceTab,
} from "./listState";

export const INVOICE_SEARCH_DEBOUNCE_MS = 300;

/** The list's state lives in the URL: changes push a history entry, so back and reload show the same list. */
function useInvoiceState(): [InvoiceListState, (next: InvoiceListState) => void] {
  const location = useLocation();
  const navigate = useNavigate();
  const state = useMemo(() => parseInvoiceState(location.search), [location.search]);
  const { pathname } = location;
  const set = useCallback(
    (next: InvoiceListState) => navigate({ pathname, search: invoiceStateQuery(next) }),
    [navigate, pathname],
  );
  return [state, set];
}

function tabLabel(tab: InvoiceTab): MessageId {
  return tab === "all" || tab === "attention" ? `inv.tab.${tab}` : `invoice.${tab}`;
}

interface StateProps {
  state: InvoiceListState;
  setState: (next: InvoiceListState) => void;
}

/** Invoices and failed payments: the shop's invoices, server-side (docs/dashboard.md). */
export function InvoicesPage() {
  const t = useT();
  const [state, setState] = useInvoiceState();
  return (
    <Box display="flex" flexDirection="column" gap={5} padding={6} data-page="invoices">
      <AppNav />
      <Text as="h1" size={8} fontWeight="bold">
        {t("inv.title")}
      </Text>
      <Box as="nav" aria-label={t("inv.tabs")} display="flex" gap={2} flexWrap="wrap">
        {INVOICE_TABS.map((tab) => (
          <Button
            key={tab}
            variant={state.tab === tab ? "primary" : "secondary"}
            aria-pressed={state.tab === tab}
            data-tab={tab}
            onClick={() => setState(withInvoiceChange(state, { tab }))}
          >
            {t(tabLabel(tab))}
          </Button>
        ))}
      </Box>
      <Filters state={state} setState={setState} />
      <Rows state={state} setState={setState} />
    </Box>
  );
}

function Filters({ state, setState }: StateProps) {
  const t = useT();
  const { state: bridge } = useBridge();
  const [typed, setTyped] = useState(state.search);
  const [channels, setChannels] = useState<SaleorChannel[]>([]);
  const latest = useRef(state);
  latest.current = state;

  useEffect(() => setTyped(state.search), [state.search]);
  useEffect(() => {
    if (typed === latest.current.search) {
      return;
    }
    const timer = window.setTimeout(
      () => setState(withInvoiceChange(latest.current, { search: typed })),
      INVOICE_SEARCH_DEBOUNCE_MS,
    );
    return () => window.clearTimeout(timer);
  }, [typed, setState]);
  useEffect(() => {
    if (bridge?.token && bridge.saleorApiUrl) {
      fetchChannels(bridge.saleorApiUrl, bridge.token).then(setChannels, () => setChannels([]));
    }
  }, [bridge?.token, bridge?.saleorApiUrl]);
  const currencies = [...new Set(channels.map((c) => c.currencyCode))].sort();

  return (
    <Box display="flex" gap={4} flexWrap="wrap" alignItems="flex-end" data-filters>
      <Box style={{ minWidth: 260 }}>
        <Input
          name="search"
          type="text"
          label={t("inv.search")}
          role={undefined}
          aria-describedby="invoice-search-help"
          value={typed}
          maxLength={200}
          onChange={(event) => setTyped(event.target.value)}
        />
        <Text id="invoice-search-help" size={2}>
          {t("inv.searchHelp")}
        </Text>
      </Box>
      <SelectField
        label={t("subs.channel")}
        name="channel"
        value={state.channel}
        onChange={(channel) => setState(withInvoiceChange(state, { channel }))}
      >
        <option value="">{t("subs.allChannels")}</option>
        {state.channel && !channels.some((c) => c.slug === state.channel) && (
          <option value={state.channel}>{state.channel}</option>
        )}
        {channels.map((c) => (
          <option key={c.slug} value={c.slug}>
            {c.name}
          </option>
        ))}
      </SelectField>
      <SelectField
        label={t("inv.currency")}
        name="currency"
        value={state.currency}
        onChange={(currency) => setState(withInvoiceChange(state, { currency }))}
      >
        <option value="">{t("inv.allCurrencies")}</option>
        {state.currency && !currencies.includes(state.currency) && (
          <option value={state.currency}>{state.currency}</option>
        )}
        {currencies.map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </SelectField>
      <SelectField
        label={t("inv.dateOf")}
        name="dates"
        value={state.dateOf}
        onChange={(dateOf) => setState(withInvoiceChange(state, { dateOf: dateOf as InvoiceListState["dateOf"] }))}
      >
        {INVOICE_DATES.map((d) => (
          <option key={d} value={d}>
            {t(`inv.dateOf.${d}`)}
          </option>
        ))}
      </SelectField>
      <DateField
        label={t("inv.from")}
        name="from"
        value={state.from}
        onChange={(from) => setState(withInvoiceChange(state, { from }))}
      />
      <DateField
        label={t("inv.to")}
        name="to"
        value={state.to}
        onChange={(to) => setState(withInvoiceChange(state, { to }))}
      />
      <SelectField
        label={t("subs.sort")}
        name="sort"
        value={state.sort}
        onChange={(sort) => setState(withInvoiceChange(state, { sort: sort as InvoiceListState["sort"] }))}
      >
        {INVOICE_SORT_FIELDS.map((field) => (
          <option key={field} value={field}>
            {t(`inv.sort.${field}`)}
          </option>
        ))}
      </SelectField>
      <SelectField
        label={t("subs.direction")}
        name="direction"
        value={state.direction}
        onChange={(direction) =>
          setState(withInvoiceChange(state, { direction: direction as InvoiceListState["direction"] }))
        }
      >
        <option value="DESC">{t("subs.dir.DESC")}</option>
        <option value="ASC">{t("subs.dir.ASC")}</option>
      </SelectField>
      <Button
        variant="tertiary"
        data-action="clear"
        onClick={() => setState({ ...DEFAULT_INVOICE_STATE, tab: state.tab })}
      >
        {t("subs.clear")}
      </Button>
    </Box>
  );
}

function Rows({ state, setState }: StateProps) {
  const t = useT();
  const notify = useNotify();
  const dates = useDates();
  const location = useLocation();
  const [{ data, fetching, error }, refetch] = useQuery({ query: InvoiceListQuery, variables: invoiceListVariables(state) });
  useInteractiveMark(Boolean(data || error));
  useEffect(() => {
    if (error) {
      notify.error(t("errors.api"), requestErrors(error));
    }
  }, [error, notify, t]);

  if (fetching && !data) {
    return <Loading />;
  }
  if (error && !data) {
    return (
      <ErrorState
        message={requestErrors(error)[0]?.message ?? ""}
        onRetry={() => refetch({ requestPolicy: "network-only" })}
      />
    );
  }
  const connection = data?.invoices;
  if (!connection || connection.edges.length === 0) {
    const filtered = invoiceStateQuery({ ...state, after: "", before: "" }) !== "";
    return <Empty>{filtered ? t("inv.empty") : t("inv.emptyShop")}</Empty>;
  }
  const { pageInfo } = connection;
  return (
    <Box display="flex" flexDirection="column" gap={3}>
      <Text data-total>{t("inv.total", { count: connection.totalCount })}</Text>
      <Table data-invoices>
        <THead>
          <TR>
            <TH scope="col">{t("sub.inv.number")}</TH>
            <TH scope="col">{t("subs.col.customer")}</TH>
            <TH scope="col">{t("sub.inv.status")}</TH>
            <TH scope="col">{t("sub.inv.total")}</TH>
            <TH scope="col">{t("inv.col.amountDue")}</TH>
            <TH scope="col">{t("sub.inv.due")}</TH>
            <TH scope="col">{t("subs.channel")}</TH>
            <TH scope="col">{t("inv.col.subscription")}</TH>
          </TR>
        </THead>
        <TBody>
          {connection.edges.map(({ node }) => {
            const attention = attentionOf(node);
            return (
              <TR key={node.id} data-invoice={node.id} data-status={node.status} data-attention={attention ?? undefined}>
                <TD>
                  <Link to={`/invoices/${encodeURIComponent(node.id)}`} state={{ list: location.search }}>
                    {node.number ?? t("sub.inv.draft")}
                  </Link>
                </TD>
                <TD>
                  <Text display="block">{node.customerName || node.customerEmail}</Text>
                  {node.customerName && <Text size={2}>{node.customerEmail}</Text>}
                </TD>
                <TD>
                  <Text display="block">{t(`invoice.${node.status}`)}</Text>
                  {attention && (
                    <Text size={2} color="critical1" data-attention-reason>
                      {t(`inv.attention.${attention}`)}
                    </Text>
                  )}
                </TD>
                <TD>{money(node.total, node.currency)}</TD>
                <TD>{money(node.amountDue, node.currency)}</TD>
                <TD>{dates.day(node.dueAt)}</TD>
                <TD>{node.channel}</TD>
                <TD>
                  <Link to={`/subscriptions/${encodeURIComponent(node.subscriptionId)}`}>
                    #{node.subscriptionNumber}
                  </Link>
                </TD>
              </TR>
            );
          })}
        </TBody>
      </Table>
      <Box as="nav" aria-label={t("subs.pages")} display="flex" gap={2}>
        <Button
          variant="secondary"
          data-action="previous"
          disabled={!pageInfo.hasPreviousPage || !pageInfo.startCursor}
          onClick={() =>
            pageInfo.startCursor && setState({ ...state, after: "", before: pageInfo.startCursor })
          }
        >
          <ChevronLeft size={16} />
          {t("subs.previous")}
        </Button>
        <Button
          variant="secondary"
          data-action="next"
          disabled={!pageInfo.hasNextPage || !pageInfo.endCursor}
          onClick={() => pageInfo.endCursor && setState({ ...state, after: pageInfo.endCursor, before: "" })}
        >
          {t("subs.next")}
          <ChevronRight size={16} />
        </Button>
      </Box>
    </Box>
  );
}
