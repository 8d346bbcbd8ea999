import { AppBridgeProvider, type AppBridge } from "@saleor/app-sdk/app-bridge";
import { Box, Text, ThemeProvider } from "@saleor/macaw-ui";
import { lazy, Suspense, useMemo, type ReactNode } from "react";
import { IntlProvider } from "react-intl";
import { BrowserRouter, Navigate, Route, Routes } from "react-router-dom";
import { Provider as UrqlProvider } from "urql";

import { createApiClient } from "./api/client";
import { RouteSync } from "./bridge/RouteSync";
import { SessionProvider, useSession } from "./bridge/session";
import { BridgeStateProvider, useBridge } from "./bridge/state";
import { ThemeSync } from "./bridge/ThemeSync";
import { localeOf, MESSAGES } from "./i18n/messages";
import { useT } from "./i18n/useT";
import { ProductPlansPage } from "./pages/product-plans/ProductPlansPage";
import { SettingsPage } from "./pages/settings/SettingsPage";
import { AppNav } from "./ui/AppNav";
import { Loading } from "./ui/states";
import { TokenExpired } from "./ui/TokenExpired";

// The subscription pages load as a chunk of their own when opened: a product's popup does not pay for them.
const SubscriptionsPage = lazy(() =>
  import("./pages/subscriptions/SubscriptionsPage").then((m) => ({ default: m.SubscriptionsPage })),
);
const SubscriptionPage = lazy(() =>
  import("./pages/subscription/SubscriptionPage").then((m) => ({ default: m.SubscriptionPage })),
);
const OrderPage = lazy(() => import("./pages/popups/OrderPage").then((m) => ({ default: m.OrderPage })));
const CustomerPage = lazy(() => import("./pages/popups/CustomerPage").then((m) => ({ default: m.CustomerPage })));

// Invoices and reports are chunks of their own too; the reports' charts (recharts) a further chunk.
const InvoicesPage = lazy(() => import("./pages/invoices/InvoicesPage").then((m) => ({ default: m.InvoicesPage })));
const InvoicePage = lazy(() => import("./pages/invoices/InvoicePage").then((m) => ({ default: m.InvoicePage })));
const ReportsPage = lazy(() => import("./pages/reports/ReportsPage").then((m) => ({ default: m.ReportsPage })));

/** Settings with the app's tab bar above it (its page is not ours to change). */
function SettingsWithNav() {
  return (
    <>
      <Box paddingX={6} paddingTop={6}>
        <AppNav />
      </Box>
      <SettingsPage />
    </>
  );
}

/** The routes under /dashboard/ (Django serves index.html for each; docs/dashboard.md). */
export function AppRoutes() {
  return (
    <Suspense fallback={<Loading />}>
      <Routes>
        <Route path="/" element={<SettingsWithNav />} />
        <Route path="/subscriptions" element={<SubscriptionsPage />} />
        <Route path="/subscriptions/:id" element={<SubscriptionPage />} />
        <Route path="/order" element={<OrderPage />} />
        <Route path="/order/widget" element={<OrderPage />} />
        <Route path="/customer" element={<CustomerPage />} />
        <Route path="/customer/widget" element={<CustomerPage />} />
        <Route path="/invoices" element={<InvoicesPage />} />
        <Route path="/invoices/:id" element={<InvoicePage />} />
        <Route path="/reports" element={<ReportsPage />} />
        <Route path="/product-plans" element={<ProductPlansPage />} />
        <Route path="/product-plans/widget" element={<ProductPlansPage />} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </Suspense>
  );
}

function Localised({ children }: { children: ReactNode }) {
  const { state: appBridgeState } = useBridge();
  const locale = localeOf(appBridgeState?.locale);
  return (
    <IntlProvider locale={locale} messages={MESSAGES[locale]} defaultLocale="en">
      {children}
    </IntlProvider>
  );
}

/** Waits for the dashboard's handshake (the token), then shows the page, or that its token expired. */
function Gate({ appBridge }: { appBridge: AppBridge }) {
  const t = useT();
  const session = useSession();
  const client = useMemo(() => createApiClient(appBridge, session.markExpired), [appBridge, session.markExpired]);
  if (window.parent === window) {
    return (
      <Box padding={6} data-state="outside-dashboard">
        <Text>{t("state.outsideDashboard")}</Text>
      </Box>
    );
  }
  if (session.expired) {
    return <TokenExpired />;
  }
  if (!session.ready) {
    return <Loading />;
  }
  return (
    <UrqlProvider value={client}>
      <AppRoutes />
    </UrqlProvider>
  );
}

export function App({ appBridge }: { appBridge: AppBridge }) {
  return (
    <AppBridgeProvider appBridgeInstance={appBridge}>
      <BridgeStateProvider>
      <ThemeProvider>
        <ThemeSync />
        <Localised>
          <SessionProvider>
            <BrowserRouter basename="/dashboard">
              <RouteSync />
              <Box backgroundColor="default1" color="default1" style={{ minHeight: "100vh" }}>
                <Gate appBridge={appBridge} />
              </Box>
            </BrowserRouter>
          </SessionProvider>
        </Localised>
      </ThemeProvider>
      </BridgeStateProvider>
    </AppBridgeProvider>
  );
}
