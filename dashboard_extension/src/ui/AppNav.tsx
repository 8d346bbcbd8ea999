import { Box, Text } from "@saleor/macaw-ui";
import { NavLink, useLocation } from "react-router-dom";

import type { MessageId } from "../i18n/messages";
import { useT } from "../i18n/useT";

/** The app's pages (not the popups), in the order of the tab bar. */
export const APP_PAGES: readonly { to: string; label: MessageId }[] = [
  { to: "/subscriptions", label: "nav.subscriptions" },
  { to: "/invoices", label: "nav.invoices" },
  { to: "/reports", label: "nav.reports" },
  { to: "/", label: "nav.settings" },
];

/** The tab of a path: its first segment (`/invoices/…` is Invoices; `/` is Settings). */
export function activePage(pathname: string): string {
  const first = `/${pathname.split("/").filter(Boolean)[0] ?? ""}`;
  return APP_PAGES.some((page) => page.to === first) ? first : "";
}

/**
 * The tab bar between the app's pages, shown at the top of each (never in a popup). Links go through
 * react-router; `RouteSync` tells the dashboard each route (`UpdateRouting`).
 */
export function AppNav() {
  const t = useT();
  const { pathname } = useLocation();
  const active = activePage(pathname);
  return (
    <Box
      as="nav"
      aria-label={t("nav.label")}
      display="flex"
      gap={1}
      borderBottomWidth={1}
      borderBottomStyle="solid"
      borderColor="default1"
      data-app-nav
    >
      {APP_PAGES.map((page) => {
        const current = active === page.to;
        return (
          <NavLink
            key={page.to}
            to={page.to}
            end={page.to === "/"}
            aria-current={current ? "page" : undefined}
            data-nav={page.to}
            style={{ textDecoration: "none" }}
          >
            <Box
              paddingX={3}
              paddingY={2}
              style={{ borderBottom: `2px solid ${current ? "currentColor" : "transparent"}` }}
            >
              <Text fontWeight={current ? "bold" : "regular"} color="default1">
                {t(page.label)}
              </Text>
            </Box>
          </NavLink>
        );
      })}
    </Box>
  );
}
