import { ThemeProvider } from "@saleor/macaw-ui";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { IntlProvider } from "react-intl";
import { MemoryRouter, Routes, useLocation } from "react-router-dom";
import { Provider, type Client } from "urql";
import { vi } from "vitest";
import type { AppBridge } from "@saleor/app-sdk/app-bridge";

import { SessionProvider, useSession } from "../bridge/session";
import { BridgeContext } from "../bridge/state";
import { MESSAGES, type Locale } from "../i18n/messages";

/** What the page dispatched to the dashboard: `{type, payload}` of each App Bridge action. */
export type Dispatched = { type: string; payload: Record<string, unknown> }[];

/** Whether the page marked the session expired (the app then shows its "session expired" screen). */
function SessionState() {
  return <output data-testid="session">{useSession().expired ? "expired" : "live"}</output>;
}

function Where() {
  const location = useLocation();
  return <output data-testid="where">{`${location.pathname}${location.search}`}</output>;
}

/** Renders routes inside the providers the app gives them, with a fake App Bridge that records actions and
 * the given urql client. */
export function renderPage(
  routes: ReactNode,
  { client, url, locale = "en" }: { client: Client; url: string; locale?: Locale },
) {
  const dispatched: Dispatched = [];
  const appBridge = {
    dispatch: vi.fn((action: { type: string; payload: Record<string, unknown> }) => {
      dispatched.push(action);
      return Promise.resolve(undefined);
    }),
  } as unknown as AppBridge;
  const state = { token: "t", saleorApiUrl: "", id: "app", ready: true, locale, theme: "light" } as never;
  const view = render(
    <ThemeProvider>
      <IntlProvider locale={locale} messages={MESSAGES[locale]}>
        <BridgeContext.Provider value={{ appBridge, state }}>
          <SessionProvider>
            <Provider value={client}>
              <MemoryRouter initialEntries={[url]}>
                <Routes>{routes}</Routes>
                <Where />
                <SessionState />
              </MemoryRouter>
            </Provider>
          </SessionProvider>
        </BridgeContext.Provider>
      </IntlProvider>
    </ThemeProvider>,
  );
  return { ...view, dispatched };
}
