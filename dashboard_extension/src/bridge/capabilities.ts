// Which App Bridge actions the dashboard that opened the page understands. Dashboard 3.21 handles only these
// five and throws on any other; newer actions are gated on the handshake's `dashboardVersion`.
export const ACTIONS_OF_3_21 = [
  "notification",
  "redirect",
  "updateRouting",
  "notifyReady",
  "requestPermissions",
] as const;

export type DashboardAction =
  | (typeof ACTIONS_OF_3_21)[number]
  | "popupClose"
  | "widgetResize"
  | "refreshEntity"
  | "openPopup";

/** `"3.22.4"` as [3, 22]; null for anything else (an unknown or absent version counts as 3.21). */
export function parseVersion(version: string | undefined | null): [number, number] | null {
  const match = /^\s*(\d+)\.(\d+)/.exec(version ?? "");
  return match ? [Number(match[1]), Number(match[2])] : null;
}

export function supportsAction(action: DashboardAction, dashboardVersion: string | undefined | null): boolean {
  if ((ACTIONS_OF_3_21 as readonly string[]).includes(action)) {
    return true;
  }
  const version = parseVersion(dashboardVersion);
  return version !== null && (version[0] > 3 || (version[0] === 3 && version[1] >= 22));
}
