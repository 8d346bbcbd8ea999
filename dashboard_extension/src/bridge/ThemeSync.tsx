import { useBridge } from "./state";
import { useTheme } from "@saleor/macaw-ui";
import { useEffect } from "react";

/** Follows the dashboard's theme (the `?theme=` it opened the page with, then its `theme` events). */
export function ThemeSync() {
  const { state: appBridgeState } = useBridge();
  const { setTheme } = useTheme();
  const theme = appBridgeState?.theme;
  useEffect(() => {
    if (theme) {
      setTheme(theme === "dark" ? "defaultDark" : "defaultLight");
      document.documentElement.dataset.theme = theme;
    }
  }, [theme, setTheme]);
  return null;
}
