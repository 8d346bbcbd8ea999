import { AppBridge } from "@saleor/app-sdk/app-bridge";

// One AppBridge for the page (app-sdk works without Next.js). It reads ?saleorApiUrl, ?id, ?theme and
// ?locale from the URL the dashboard opened, and listens for the handshake from the dashboard's window.
export const appBridge: AppBridge | undefined = typeof window !== "undefined" ? new AppBridge() : undefined;
