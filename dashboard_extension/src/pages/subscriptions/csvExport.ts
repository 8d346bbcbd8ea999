import { isTokenRefusal } from "../../api/client";
import { matching, type ListState } from "./listState";

/** The export's URL for the list shown: its filter (JSON) and search, as the API's CSV export takes them. */
export function exportUrl(origin: string, state: ListState): string {
  const { filter, search } = matching(state);
  const params = new URLSearchParams({ filter: JSON.stringify(filter) });
  if (search) {
    params.set("search", search);
  }
  return `${origin}/api/export/subscriptions.csv?${params.toString()}`;
}

/** The file's name: `subscriptions-2026-11-16.csv`. */
export function exportFileName(now: Date): string {
  return `subscriptions-${now.toISOString().slice(0, 10)}.csv`;
}

/** The API refused the dashboard's token (expired): the page says the session expired. */
export class TokenRefused extends Error {
  constructor() {
    super("the dashboard's token was refused");
    this.name = "TokenRefused";
  }
}

/**
 * Fetches the export with the dashboard's token (a plain link would not carry it) and saves it as a file.
 * Throws with the API's message when the export is refused, TokenRefused when the token is.
 */
export async function downloadExport(url: string, token: string, fileName: string): Promise<void> {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  if (await isTokenRefusal(response)) {
    throw new TokenRefused();
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { errors?: { message?: string }[] } | null;
    throw new Error(body?.errors?.[0]?.message ?? `${response.status} ${response.statusText}`);
  }
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = href;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(href), 1000);
}
