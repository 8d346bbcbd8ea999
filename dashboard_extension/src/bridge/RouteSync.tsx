import { actions } from "@saleor/app-sdk/app-bridge";

import { useBridge } from "./state";
import { useEffect } from "react";
import { useLocation } from "react-router-dom";

/** Tells the dashboard each route the page shows (`UpdateRouting`), so its URL and back button follow. */
export function RouteSync() {
  const { appBridge, state: appBridgeState } = useBridge();
  const location = useLocation();
  const ready = appBridgeState?.ready ?? false;
  useEffect(() => {
    if (ready) {
      void appBridge?.dispatch(actions.UpdateRouting({ newRoute: location.pathname })).catch(() => undefined);
    }
  }, [appBridge, ready, location.pathname]);
  return null;
}
