import type { PlanCancelEffect, SubscriptionBulkAction, SubscriptionsBulkActionMutationVariables } from "../../gql/graphql";
import { matching, type ListState } from "./listState";

/** The rows the owner picked on the page, or every subscription matching the list's filter and search. */
export interface Selection {
  ids: ReadonlySet<string>;
  allMatching: boolean;
}

export const NO_SELECTION: Selection = { ids: new Set(), allMatching: false };

/** The actions of the bulk-action bar (a price migration is started from the plan, not the list). */
export type ListBulkAction = Exclude<SubscriptionBulkAction, "PRICE_MIGRATION">;

export const BULK_ACTIONS: readonly ListBulkAction[] = ["PAUSE", "RESUME", "CANCEL", "SKIP_NEXT_PERIOD"];

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
  effect: PlanCancelEffect;
  reason: string;
}

export const EMPTY_BULK_FORM: BulkForm = { periods: "", effect: "PERIOD_END", reason: "" };

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
    ...(action === "CANCEL" ? { effect: form.effect } : {}),
    ...(form.reason.trim() ? { reason: form.reason.trim() } : {}),
  };
}
