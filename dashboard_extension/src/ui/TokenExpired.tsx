import { Box, Button, Text } from "@saleor/macaw-ui";
import { RotateCw } from "lucide-react";
import { useLocation } from "react-router-dom";

import { parseVersion } from "../bridge/capabilities";
import { useRedirect } from "../bridge/hooks";
import { LAUNCH_SEARCH, launchParam, ownSearch } from "../bridge/launch";
import { useBridge } from "../bridge/state";
import { useT } from "../i18n/useT";

/** Where a page opened as the app's page (`appUrl` or an APP_PAGE) lives in the dashboard: 3.21 and older
 * keep apps under `/apps/<id>/app`, 3.22+ under `/extensions/app/<id>`; the page's path follows (as
 * `UpdateRouting` writes it). */
function appPagePrefix(appId: string, dashboardVersion: string | null | undefined): string {
  const version = parseVersion(dashboardVersion);
  const extensions = version !== null && (version[0] > 3 || (version[0] === 3 && version[1] >= 22));
  const id = encodeURIComponent(appId);
  return extensions ? `/extensions/app/${id}` : `/apps/${id}/app`;
}

/**
 * Where in the dashboard the page is opened from: going there gives it a new token. A popup lives over the
 * page of its product, order or customer (the dashboard gives its id in the launch query), so Reopen goes
 * there; a page of the app (the app's page, an APP_PAGE) is reopened at the same path and query the user was
 * on, not at the app's home page.
 */
export function reopenPath(
  pathname: string,
  search: string,
  appId: string,
  dashboardVersion?: string | null,
  launchSearch: string = LAUNCH_SEARCH,
): string {
  const productId = launchParam("productId", launchSearch) ?? launchParam("productId", search);
  if (pathname.startsWith("/product-plans") && productId) {
    return `/products/${encodeURIComponent(productId)}`;
  }
  const orderId = launchParam("orderId", launchSearch);
  if (orderId) {
    return `/orders/${encodeURIComponent(orderId)}`;
  }
  const customerId = launchParam("customerId", launchSearch);
  if (customerId) {
    return `/customers/${encodeURIComponent(customerId)}`;
  }
  const path = pathname === "/" ? "" : pathname;
  return `${appPagePrefix(appId, dashboardVersion)}${path}${ownSearch(search)}`;
}

/** What a page shows once the dashboard's token has expired: it says so and offers to reopen (the dashboard
 * gives a page its token when it opens it, and a 3.21 popup never gets another). */
export function TokenExpired() {
  const t = useT();
  const redirect = useRedirect();
  const location = useLocation();
  const { state } = useBridge();
  return (
    <Box display="flex" flexDirection="column" gap={3} padding={6} data-state="token-expired" role="alert">
      <Text size={6} fontWeight="bold">
        {t("token.expiredTitle")}
      </Text>
      <Text>{t("token.expiredText")}</Text>
      <Box>
        <Button
          variant="primary"
          data-action="reopen"
          onClick={() =>
            redirect(reopenPath(location.pathname, location.search, state?.id ?? "", state?.dashboardVersion))
          }
        >
          <RotateCw size={16} />
          {t("token.reopen")}
        </Button>
      </Box>
    </Box>
  );
}
