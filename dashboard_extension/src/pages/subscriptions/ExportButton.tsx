import { Button } from "@saleor/macaw-ui";
import { Download } from "lucide-react";
import { useState } from "react";

import { useNotify } from "../../bridge/hooks";
import { useSession } from "../../bridge/session";
import { useBridge } from "../../bridge/state";
import { useT } from "../../i18n/useT";
import { downloadExport, exportFileName, exportUrl, TokenRefused } from "./csvExport";
import type { ListState } from "./listState";

/** CSV of the list shown (its tab, filters and search), fetched with the dashboard's token and saved. */
export function ExportButton({ state }: { state: ListState }) {
  const t = useT();
  const notify = useNotify();
  const { state: bridge } = useBridge();
  const { markExpired } = useSession();
  const [busy, setBusy] = useState(false);
  const save = async () => {
    if (!bridge?.token) {
      return;
    }
    setBusy(true);
    try {
      await downloadExport(exportUrl(window.location.origin, state), bridge.token, exportFileName(new Date()));
    } catch (failed) {
      if (failed instanceof TokenRefused) {
        markExpired();
        return;
      }
      notify.error(t("export.failed"), failed instanceof Error ? failed.message : String(failed));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button variant="secondary" data-action="export" disabled={busy || !bridge?.token} onClick={() => void save()}>
      <Download size={16} />
      {t("export.csv")}
    </Button>
  );
}
