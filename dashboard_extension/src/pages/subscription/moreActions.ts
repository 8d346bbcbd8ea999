import type { SubscriptionStatus } from "../../gql/graphql";

export type MoreAction =
  | "switch"
  | "quantity"
  | "priceChange"
  | "freePeriods"
  | "creditGrant"
  | "discountCode"
  | "shippingAddress"
  | "reactivate";

const LIVE: readonly SubscriptionStatus[] = ["TRIALING", "ACTIVE", "PAST_DUE", "PAUSED", "SUSPENDED"];

/** The actions beyond the main ones that the state allows (the API checks again): a price change only when
 * its plan has a newer version than the one it is on; reactivation only once cancelled. */
export function moreActions(status: SubscriptionStatus, onVersion: number, planVersion: number): MoreAction[] {
  const found: MoreAction[] = [];
  if (LIVE.includes(status)) {
    found.push("switch", "quantity");
    if (planVersion > onVersion) {
      found.push("priceChange");
    }
  }
  if (status === "ACTIVE") {
    found.push("freePeriods");
  }
  if (status !== "INCOMPLETE") {
    found.push("creditGrant");
  }
  if (LIVE.includes(status)) {
    found.push("discountCode", "shippingAddress");
  }
  if (status === "CANCELLED") {
    found.push("reactivate");
  }
  return found;
}
