import { actions } from "@saleor/app-sdk/app-bridge";

import { useBridge } from "./state";
import { useCallback, useMemo } from "react";

import { supportsAction } from "./capabilities";

export interface ApiFieldError {
  field?: string | null;
  code?: string;
  message: string;
}

/** Dashboard notifications (App Bridge `notification`): errors carry the API's message and field. */
export function useNotify() {
  const { appBridge } = useBridge();
  const success = useCallback(
    (title: string, text?: string) => {
      void appBridge?.dispatch(actions.Notification({ status: "success", title, text })).catch(() => undefined);
    },
    [appBridge],
  );
  const error = useCallback(
    (title: string, errors: readonly ApiFieldError[] | string) => {
      const list = typeof errors === "string" ? [{ message: errors }] : errors;
      const apiMessage = list.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join("\n");
      void appBridge
        ?.dispatch(actions.Notification({ status: "error", title, text: list[0]?.message, apiMessage }))
        .catch(() => undefined);
    },
    [appBridge],
  );
  return useMemo(() => ({ success, error }), [success, error]);
}

/** Opens a dashboard path (`/products/<id>`) in the dashboard itself. */
export function useRedirect() {
  const { appBridge } = useBridge();
  return useCallback(
    (to: string) => {
      void appBridge?.dispatch(actions.Redirect({ to })).catch(() => undefined);
    },
    [appBridge],
  );
}

/** Closes the popup where the dashboard knows how (3.22+); false when it does not. */
export function useClosePopup() {
  const { appBridge, state: appBridgeState } = useBridge();
  const can = supportsAction("popupClose", appBridgeState?.dashboardVersion);
  const close = useCallback(() => {
    void appBridge?.dispatch(actions.PopupClose()).catch(() => undefined);
  }, [appBridge]);
  return can ? close : null;
}
