import { Box, Button, Text } from "@saleor/macaw-ui";
import { RotateCw } from "lucide-react";
import { useLocation } from "react-router-dom";

import { useRedirect } from "../bridge/hooks";
import { useBridge } from "../bridge/state";
import { useT } from "../i18n/useT";
import { productIdFromUrl } from "../pages/product-plans/ProductPlansPage";

/** Where in the dashboard the page is opened from: going there and opening it again gives it a new token. */
export function reopenPath(pathname: string, search: string, appId: string): string {
  const productId = productIdFromUrl(search);
  if (pathname.startsWith("/product-plans") && productId) {
    return `/products/${encodeURIComponent(productId)}`;
  }
  return `/apps/${encodeURIComponent(appId)}/app`;
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
          onClick={() => redirect(reopenPath(location.pathname, window.location.search, state?.id ?? ""))}
        >
          <RotateCw size={16} />
          {t("token.reopen")}
        </Button>
      </Box>
    </Box>
  );
}
