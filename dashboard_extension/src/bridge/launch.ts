// Where the dashboard opened the page: the query it gave the frame at load (`productId`, `orderId`,
// `customerId` for a popup of that page), read once before the router changes the URL.
export const LAUNCH_SEARCH: string = typeof window === "undefined" ? "" : window.location.search;

/** The dashboard's own parameters of a frame's URL (App Bridge's, and a popup's entity ids). */
export const DASHBOARD_PARAMS = [
  "domain",
  "saleorApiUrl",
  "id",
  "theme",
  "locale",
  "productId",
  "productID",
  "productIds",
  "orderId",
  "customerId",
  "customerIds",
  "featureFlags",
] as const;

/** A popup's entity id from the launch query (`orderId`, `customerId`, `productId`). */
export function launchParam(name: "productId" | "orderId" | "customerId", search: string = LAUNCH_SEARCH): string | null {
  const params = new URLSearchParams(search);
  return params.get(name) ?? params.get(name.replace(/Id$/, "ID")) ?? null;
}

/** The page's own query (a list's tab, search…), without the dashboard's parameters. */
export function ownSearch(search: string): string {
  const params = new URLSearchParams(search);
  for (const name of DASHBOARD_PARAMS) {
    params.delete(name);
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}
