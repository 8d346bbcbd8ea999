import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { ChevronLeft, ChevronRight } from "lucide-react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useLocation, useNavigate } from "react-router-dom";
import { useQuery } from "urql";

import { SubscriptionCountsQuery, SubscriptionListQuery } from "../../api/subscriptions";
import { requestErrors } from "../../api/errors";
import { useNotify } from "../../bridge/hooks";
import { useBridge } from "../../bridge/state";
import type { MessageId } from "../../i18n/messages";
import { useT } from "../../i18n/useT";
import { fetchChannels, type SaleorChannel } from "../../saleor/product";
import { DateField, SelectField } from "../../ui/fields";
import { AppNav } from "../../ui/AppNav";
import { useInteractiveMark } from "../../ui/interactive";
import { JobProgress } from "../../jobs/JobProgress";
import { Empty, ErrorState, Loading } from "../../ui/states";
import { Table, TBody, TD, TH, THead, TR } from "../../ui/table";
import { BulkBar } from "./BulkBar";
import { ExportButton } from "./ExportButton";
import { money, useDates } from "./format";
import {
  countVariables,
  DEFAULT_STATE,
  listStateQuery,
  listVariables,
  nextPage,
  parseListState,
  previousPage,
  SORT_FIELDS,
  STATUSES,
  tabCounts,
  withChange,
  type ListState,
  type Tab,
} from "./listState";
import { MoreFilters } from "./MoreFilters";
import { NO_SELECTION, pageSelected, toggle, togglePage, type Selection } from "./selection";

export const SEARCH_DEBOUNCE_MS = 300;

const TABS: readonly Tab[] = ["all", "attention", ...STATUSES.filter((s) => s !== "INCOMPLETE")];

/** The list's state lives in the URL: changes push a history entry, so back and reload show the same list. */
export function useListState(): [ListState, (next: ListState) => void] {
  const location = useLocation();
  const navigate = useNavigate();
  const state = useMemo(() => parseListState(location.search), [location.search]);
  const { pathname } = location;
  const set = useCallback(
    (next: ListState) => navigate({ pathname, search: listStateQuery(next) }),
    [navigate, pathname],
  );
  return [state, set];
}

function tabLabel(tab: Tab): MessageId {
  return tab === "all" || tab === "attention" ? `subs.tab.${tab}` : `status.${tab}`;
}

/** Orders → Subscriptions: every subscription of the shop, server-side (docs/dashboard.md). */
export function SubscriptionsPage() {
  const t = useT();
  const [state, setState] = useListState();
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  const [jobId, setJobId] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const refresh = useCallback(() => setVersion((n) => n + 1), []);
  // A selection belongs to the list it was made on: another filter, search or tab starts a new one.
  const listKey = listStateQuery({ ...state, after: "", before: "" });
  useEffect(() => setSelection(NO_SELECTION), [listKey]);
  return (
    <Box display="flex" flexDirection="column" gap={5} padding={6} data-page="subscriptions">
      <AppNav />
      <Text as="h1" size={8} fontWeight="bold">
        {t("subs.title")}
      </Text>
      <Tabs state={state} setState={setState} version={version} />
      <Filters state={state} setState={setState} />
      {jobId && <JobView jobId={jobId} onClose={() => setJobId(null)} onFinished={refresh} />}
      <Rows
        version={version}
        state={state}
        setState={setState}
        selection={selection}
        setSelection={setSelection}
        onStarted={(started) => {
          setSelection(NO_SELECTION);
          setJobId(started);
        }}
      />
    </Box>
  );
}

interface StateProps {
  state: ListState;
  setState: (next: ListState) => void;
}

/** A bulk action's progress; when it ends the list is read again (the changed rows show their new state). */
function JobView({ jobId, onClose, onFinished }: { jobId: string; onClose: () => void; onFinished: () => void }) {
  const t = useT();
  const notify = useNotify();
  const finished = useCallback(() => {
    notify.success(t("job.finished"));
    onFinished();
  }, [notify, t, onFinished]);
  return <JobProgress jobId={jobId} onFinished={finished} onClose={onClose} />;
}

/** Reads a query again from the server each time `version` goes up (after a bulk action). */
function useRefreshed(version: number, refetch: (opts: { requestPolicy: "network-only" }) => void) {
  useEffect(() => {
    if (version > 0) {
      refetch({ requestPolicy: "network-only" });
    }
  }, [version, refetch]);
}


function Tabs({ state, setState, version }: StateProps & { version: number }) {
  const t = useT();
  const [{ data }, refetch] = useQuery({ query: SubscriptionCountsQuery, variables: countVariables(state) });
  useRefreshed(version, refetch);
  const counts = data ? tabCounts(data.byStatus.statusCounts, data.attention.totalCount) : {};
  return (
    <Box as="nav" aria-label={t("subs.tabs")} display="flex" gap={2} flexWrap="wrap">
      {TABS.map((tab) => (
        <Button
          key={tab}
          variant={state.tab === tab ? "primary" : "secondary"}
          aria-pressed={state.tab === tab}
          data-tab={tab}
          onClick={() => setState(withChange(state, { tab }))}
        >
          {t(tabLabel(tab))}
          {counts[tab] !== undefined && (
            <>
              {" "}
              <span data-count>{counts[tab]}</span>
            </>
          )}
        </Button>
      ))}
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

  // Back/forward or a cleared filter change the URL: the box follows it.
  useEffect(() => setTyped(state.search), [state.search]);
  useEffect(() => {
    if (typed === latest.current.search) {
      return;
    }
    const timer = window.setTimeout(() => setState(withChange(latest.current, { search: typed })), SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [typed, setState]);
  useEffect(() => {
    if (bridge?.token && bridge.saleorApiUrl) {
      fetchChannels(bridge.saleorApiUrl, bridge.token).then(setChannels, () => setChannels([]));
    }
  }, [bridge?.token, bridge?.saleorApiUrl]);

  return (
    <Box display="flex" gap={4} flexWrap="wrap" alignItems="flex-end" data-filters>
      <Box style={{ minWidth: 280 }}>
        <Input
          name="search"
          type="text"
          label={t("subs.search")}
          role={undefined}
          aria-describedby="search-help"
          value={typed}
          maxLength={200}
          onChange={(event) => setTyped(event.target.value)}
        />
        <Text id="search-help" size={2}>
          {t("subs.searchHelp")}
        </Text>
      </Box>
      <SelectField
        label={t("subs.channel")}
        name="channel"
        value={state.channel}
        onChange={(channel) => setState(withChange(state, { channel }))}
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
      <DateField
        label={t("subs.createdFrom")}
        name="createdFrom"
        value={state.createdFrom}
        onChange={(createdFrom) => setState(withChange(state, { createdFrom }))}
      />
      <DateField
        label={t("subs.createdTo")}
        name="createdTo"
        value={state.createdTo}
        onChange={(createdTo) => setState(withChange(state, { createdTo }))}
      />
      <MoreFilters state={state} setState={setState} />
      <SelectField
        label={t("subs.sort")}
        name="sort"
        value={state.sort}
        onChange={(sort) => setState(withChange(state, { sort: sort as ListState["sort"] }))}
      >
        {SORT_FIELDS.map((field) => (
          <option key={field} value={field}>
            {t(`subs.sort.${field}`)}
          </option>
        ))}
      </SelectField>
      <SelectField
        label={t("subs.direction")}
        name="direction"
        value={state.direction}
        onChange={(direction) => setState(withChange(state, { direction: direction as ListState["direction"] }))}
      >
        <option value="DESC">{t("subs.dir.DESC")}</option>
        <option value="ASC">{t("subs.dir.ASC")}</option>
      </SelectField>
      <Button variant="tertiary" data-action="clear" onClick={() => setState({ ...DEFAULT_STATE, tab: state.tab })}>
        {t("subs.clear")}
      </Button>
    </Box>
  );
}

function Rows({
  state,
  setState,
  selection,
  setSelection,
  onStarted,
  version,
}: StateProps & {
  selection: Selection;
  setSelection: (next: Selection) => void;
  onStarted: (jobId: string) => void;
  version: number;
}) {
  const t = useT();
  const notify = useNotify();
  const dates = useDates();
  const location = useLocation();
  const [{ data, fetching, error }, refetch] = useQuery({ query: SubscriptionListQuery, variables: listVariables(state) });
  useRefreshed(version, refetch);
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
  const connection = data?.subscriptions;
  if (!connection || connection.edges.length === 0) {
    const filtered = listStateQuery({ ...state, after: "", before: "" }) !== "";
    return <Empty>{filtered ? t("subs.empty") : t("subs.emptyShop")}</Empty>;
  }
  const { pageInfo } = connection;
  const pageIds = connection.edges.map(({ node }) => node.id);
  return (
    <Box display="flex" flexDirection="column" gap={3}>
      <Box display="flex" gap={3} alignItems="center" justifyContent="space-between" flexWrap="wrap">
        <Text data-total>
          {t("subs.total", { count: connection.totalCount })}
        </Text>
        <ExportButton state={state} />
      </Box>
      <BulkBar
        selection={selection}
        setSelection={setSelection}
        state={state}
        totalCount={connection.totalCount}
        onStarted={onStarted}
      />
      <Table data-subscriptions>
        <THead>
          <TR>
            <TH scope="col">
              <input
                type="checkbox"
                aria-label={t("bulk.selectPage")}
                data-select-page
                checked={pageSelected(selection, pageIds)}
                onChange={() => setSelection(togglePage(selection, pageIds))}
              />
            </TH>
            <TH scope="col">{t("subs.col.number")}</TH>
            <TH scope="col">{t("subs.col.customer")}</TH>
            <TH scope="col">{t("subs.col.plan")}</TH>
            <TH scope="col">{t("subs.col.status")}</TH>
            <TH scope="col">{t("subs.col.amount")}</TH>
            <TH scope="col">{t("subs.col.nextBilling")}</TH>
          </TR>
        </THead>
        <TBody>
          {connection.edges.map(({ node }) => (
            <TR key={node.id} data-subscription={node.id} data-status={node.status}>
              <TD>
                <input
                  type="checkbox"
                  aria-label={t("bulk.select", { number: node.number ?? "" })}
                  data-select={node.number ?? undefined}
                  checked={selection.allMatching || selection.ids.has(node.id)}
                  onChange={() => setSelection(toggle(selection, node.id))}
                />
              </TD>
              <TD>
                <Link to={`/subscriptions/${encodeURIComponent(node.id)}`} state={{ list: location.search }}>
                  #{node.number}
                </Link>
              </TD>
              <TD>
                <Text display="block">{node.customerName || node.customerEmail}</Text>
                {node.customerName && (
                  <Text size={2}>
                    {node.customerEmail}
                  </Text>
                )}
              </TD>
              <TD>{node.plan.name}</TD>
              <TD>{t(`status.${node.status}`)}</TD>
              <TD>{node.amount ? money(node.amount, node.currency) : t("subs.channelPrice")}</TD>
              <TD>{dates.moment(node.nextBillingAt)}</TD>
            </TR>
          ))}
        </TBody>
      </Table>
      <Box as="nav" aria-label={t("subs.pages")} display="flex" gap={2}>
        <Button
          variant="secondary"
          data-action="previous"
          disabled={!pageInfo.hasPreviousPage || !pageInfo.startCursor}
          onClick={() => pageInfo.startCursor && setState(previousPage(state, pageInfo.startCursor))}
        >
          <ChevronLeft size={16} />
          {t("subs.previous")}
        </Button>
        <Button
          variant="secondary"
          data-action="next"
          disabled={!pageInfo.hasNextPage || !pageInfo.endCursor}
          onClick={() => pageInfo.endCursor && setState(nextPage(state, pageInfo.endCursor))}
        >
          {t("subs.next")}
          <ChevronRight size={16} />
        </Button>
      </Box>
    </Box>
  );
}
