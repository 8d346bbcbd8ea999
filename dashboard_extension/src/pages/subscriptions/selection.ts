import type { PlanCancelEffect, SubscriptionBulkAction, SubscriptionsBulkActionMutationVariables } from "../../gql/graphql";
import { matching, type ListState } from "./listState";

/** The rows the owner picked on the page, or every subscription matching the list's filter and search. */
export interface Selection {
  ids: ReadonlySet<string>;
  allMatching: boolean;
}

export const NO_SELECTION: Selection = { ids: new Set(), allMatching: false };

/** The actions of the bulk-action bar. */
export type ListBulkAction = SubscriptionBulkAction;

export const BULK_ACTIONS: readonly ListBulkAction[] = ["PAUSE", "RESUME", "CANCEL", "SKIP_NEXT_PERIOD", "PRICE_MIGRATION"];

export function toggle(selection: Selection, id: string): Selection {
  const ids = new Set(selection.ids);
  if (ids.has(id)) {
    ids.delete(id);
  } else {
    ids.add(id);
  }
  return { ids, allMatching: false };
}

/** Every row of the page selected, or none of them when all already were. */
export function togglePage(selection: Selection, pageIds: readonly string[]): Selection {
  const all = pageIds.length > 0 && pageIds.every((id) => selection.ids.has(id));
  const ids = new Set(selection.ids);
  for (const id of pageIds) {
    if (all) {
      ids.delete(id);
    } else {
      ids.add(id);
    }
  }
  return { ids, allMatching: false };
}

export function pageSelected(selection: Selection, pageIds: readonly string[]): boolean {
  return selection.allMatching || (pageIds.length > 0 && pageIds.every((id) => selection.ids.has(id)));
}

export function selectAllMatching(selection: Selection): Selection {
  return { ids: selection.ids, allMatching: true };
}

/** How many subscriptions the action will change (the confirmation names it). */
export function selectedCount(selection: Selection, totalCount: number): number {
  return selection.allMatching ? totalCount : selection.ids.size;
}

export interface BulkForm {
  periods: string;
  /** CANCEL: when; "" as each plan says. */
  effect: PlanCancelEffect | "";
  /** CANCEL (not at the period's end): credit the unused part; "" as each plan says. */
  credit: "" | "yes" | "no";
  /** PRICE_MIGRATION: the plan picked, and the version of their plan to move to (that plan's newest). */
  plan: string;
  version: string;
  /** PRICE_MIGRATION: from (YYYY-MM-DD); "" the earliest the notice allows. */
  effectiveOn: string;
  reason: string;
}

export const EMPTY_BULK_FORM: BulkForm = { periods: "", effect: "", credit: "", plan: "", version: "", effectiveOn: "", reason: "" };

/** The cancel's and the price migration's options, as the API takes them. */
function actionOptions(action: ListBulkAction, form: BulkForm): Partial<SubscriptionsBulkActionMutationVariables> {
  if (action === "CANCEL") {
    return {
      ...(form.effect ? { effect: form.effect } : {}),
      ...(form.credit && form.effect !== "PERIOD_END" ? { credit: form.credit === "yes" } : {}),
    };
  }
  if (action === "PRICE_MIGRATION") {
    return { version: Number(form.version), ...(form.effectiveOn ? { effectiveOn: form.effectiveOn } : {}) };
  }
  return {};
}

/** The mutation's variables: the ids picked, or the list's filter and search (resolved by the API when the
 * job is made), with the options of the action. */
export function bulkVariables(
  action: ListBulkAction,
  selection: Selection,
  state: ListState,
  form: BulkForm,
): SubscriptionsBulkActionMutationVariables {
  const target = selection.allMatching ? matching(state) : { ids: [...selection.ids] };
  const periods = form.periods.trim();
  return {
    action,
    ...target,
    ...(action === "PAUSE" && periods ? { periods: Number(periods) } : {}),
    ...actionOptions(action, form),
    ...(form.reason.trim() ? { reason: form.reason.trim() } : {}),
  };
}
