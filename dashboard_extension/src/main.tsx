import "@saleor/macaw-ui/style";

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./App";
import { appBridge } from "./bridge/appBridge";

const root = document.getElementById("root");
if (root && appBridge) {
  createRoot(root).render(
    <StrictMode>
      <App appBridge={appBridge} />
    </StrictMode>,
  );
}
