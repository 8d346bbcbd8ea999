import { useBridge } from "./state";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";

import { isExpired, tokenExpiry } from "./token";

interface Session {
  /** The handshake came: the page has the dashboard's token. */
  ready: boolean;
  /** The token has expired (by its `exp`, or the API answered EXPIRED_TOKEN). */
  expired: boolean;
  markExpired: () => void;
}

const SessionContext = createContext<Session>({ ready: false, expired: false, markExpired: () => undefined });

/** Watches the dashboard's token: when it expires (5 minutes; 3.21 popups never refresh it) the page says so. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const { state: appBridgeState } = useBridge();
  const token = appBridgeState?.token;
  const [expiredToken, setExpiredToken] = useState<string | null>(null);

  useEffect(() => {
    const expiry = tokenExpiry(token);
    if (!token || expiry === null) {
      return undefined;
    }
    const timer = window.setTimeout(() => setExpiredToken(token), Math.max(0, expiry - Date.now()));
    return () => window.clearTimeout(timer);
  }, [token]);

  const markExpired = useCallback(() => setExpiredToken(token ?? null), [token]);
  const value = useMemo(
    () => ({
      ready: Boolean(appBridgeState?.ready && token),
      expired: Boolean(token) && (expiredToken === token || isExpired(token)),
      markExpired,
    }),
    [appBridgeState?.ready, token, expiredToken, markExpired],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  return useContext(SessionContext);
}
