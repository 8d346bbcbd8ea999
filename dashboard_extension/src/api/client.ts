import { createAuthenticatedFetch, type AppBridge } from "@saleor/app-sdk/app-bridge";
import { Client, fetchExchange } from "urql";

/** Where the app's API is: the same origin that served the page (Django serves both). */
export const API_URL = new URL("/graphql/", window.location.origin).toString();

const TOKEN_REFUSALS = new Set(["EXPIRED_TOKEN", "INVALID_SIGNATURE", "UNKNOWN_SIGNING_KEY", "INVALID_TOKEN"]);

/**
 * Whether an answer of the app's API (GraphQL, or a plain endpoint such as the logo upload or the CSV export)
 * is a refused token: 401 with EXPIRED_TOKEN, INVALID_TOKEN or another token code. The page then says the
 * session expired (`useSession().markExpired`) instead of showing the API's message.
 */
export async function isTokenRefusal(response: Response): Promise<boolean> {
  if (response.status !== 401) {
    return false;
  }
  const body = (await response.clone().json().catch(() => null)) as {
    errors?: { extensions?: { code?: string } }[];
  } | null;
  const code = body?.errors?.[0]?.extensions?.code;
  return Boolean(code && TOKEN_REFUSALS.has(code));
}

/**
 * fetch with the dashboard's token. app-sdk's `createAuthenticatedFetch` sends it as `authorization-bearer`
 * (with `saleor-api-url`); the app's API reads the standard `Authorization: Bearer`, so it is copied there.
 * A 401 EXPIRED_TOKEN (or any refused token) calls `onExpired`.
 */
export function apiFetch(appBridge: AppBridge, onExpired: () => void): typeof fetch {
  const authenticated = createAuthenticatedFetch(appBridge, (input, init) => {
    const headers = new Headers(init?.headers);
    const token = headers.get("authorization-bearer");
    headers.delete("authorization-bearer");
    if (token) {
      headers.set("Authorization", `Bearer ${token}`);
    }
    return fetch(input, { ...init, headers });
  });
  return async (input, init) => {
    const response = await authenticated(input, init);
    if (await isTokenRefusal(response)) {
      onExpired();
    }
    return response;
  };
}

export function createApiClient(appBridge: AppBridge, onExpired: () => void): Client {
  return new Client({
    url: API_URL,
    exchanges: [fetchExchange],
    fetch: apiFetch(appBridge, onExpired),
    requestPolicy: "cache-and-network",
    preferGetMethod: false,
  });
}
