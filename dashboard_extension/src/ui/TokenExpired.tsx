import { Box, Button, Text } from "@saleor/macaw-ui";
import { RotateCw } from "lucide-react";

import { useT } from "../i18n/useT";

/** What a page shows once the dashboard's token has expired: it says so and offers to reopen. */
export function TokenExpired() {
  const t = useT();
  return (
    <Box display="flex" flexDirection="column" gap={3} padding={6} data-state="token-expired" role="alert">
      <Text size={6} fontWeight="bold">
        {t("token.expiredTitle")}
      </Text>
      <Text>{t("token.expiredText")}</Text>
      <Box>
        <Button
          variant="primary"
          onClick={() => {
            // The dashboard gives a page its token when it opens it: going back to it and opening the page
            // again is the only way to a fresh one; a reload asks the dashboard's frame to start again.
            window.location.reload();
          }}
        >
          <RotateCw size={16} />
          {t("token.reopen")}
        </Button>
      </Box>
    </Box>
  );
}
