import { Box, Button, Spinner, Text } from "@saleor/macaw-ui";
import type { ReactNode } from "react";

import { useT } from "../i18n/useT";

export function Loading() {
  const t = useT();
  return (
    <Box display="flex" alignItems="center" gap={2} padding={6} data-state="loading" role="status">
      <Spinner />
      <Text>{t("state.loading")}</Text>
    </Box>
  );
}

export function Empty({ children, action }: { children: ReactNode; action?: ReactNode }) {
  return (
    <Box display="flex" flexDirection="column" gap={3} padding={6} data-state="empty">
      <Text>{children}</Text>
      {action}
    </Box>
  );
}

export function ErrorState({ message, onRetry }: { message: string; onRetry?: () => void }) {
  const t = useT();
  return (
    <Box display="flex" flexDirection="column" gap={3} padding={6} data-state="error" role="alert">
      <Text size={5} fontWeight="bold" color="critical1">
        {t("state.error")}
      </Text>
      <Text>{message}</Text>
      {onRetry && (
        <Box>
          <Button variant="secondary" onClick={onRetry}>
            {t("state.retry")}
          </Button>
        </Box>
      )}
    </Box>
  );
}

export function Section({ title, children, ...rest }: { title: ReactNode; children: ReactNode; [data: `data-${string}`]: string }) {
  return (
    <Box
      as="section"
      display="flex"
      flexDirection="column"
      gap={3}
      padding={5}
      borderWidth={1}
      borderStyle="solid"
      borderColor="default1"
      borderRadius={4}
      {...rest}
    >
      <Text as="h2" size={6} fontWeight="bold">
        {title}
      </Text>
      {children}
    </Box>
  );
}
