import { useAppBridge, type AppBridge, type AppBridgeState } from "@saleor/app-sdk/app-bridge";
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";

interface Bridge {
  appBridge: AppBridge | undefined;
  state: AppBridgeState | null;
}

export const BridgeContext = createContext<Bridge>({ appBridge: undefined, state: null });

const EVENTS = ["handshake", "theme", "localeChanged", "tokenRefresh", "redirect", "response"] as const;

/**
 * One subscription to App Bridge for the whole page. app-sdk's `useAppBridge` reads the state when a component
 * first renders and listens only after it mounts, so a handshake that arrives in between (the dashboard sends
 * it when the frame has loaded, which may be before React's effects run) would be missed; and it does not
 * listen for `localeChanged` or `tokenRefresh`. This provider reads the state again once mounted, and on
 * every event.
 */
export function BridgeStateProvider({ children }: { children: ReactNode }) {
  const { appBridge } = useAppBridge();
  const [state, setState] = useState<AppBridgeState | null>(() => appBridge?.getState() ?? null);
  useEffect(() => {
    if (!appBridge) {
      return undefined;
    }
    const update = () => setState({ ...appBridge.getState() });
    update();
    const unsubscribes = EVENTS.map((event) => appBridge.subscribe(event, update));
    return () => unsubscribes.forEach((unsubscribe) => unsubscribe());
  }, [appBridge]);
  return <BridgeContext.Provider value={{ appBridge, state }}>{children}</BridgeContext.Provider>;
}

export function useBridge(): Bridge {
  return useContext(BridgeContext);
}
