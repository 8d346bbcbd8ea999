import { Box, Button } from "@saleor/macaw-ui";
import { useState } from "react";

import { useT } from "../../i18n/useT";
import { DialogFor } from "./dialogs/host";
import { moreActions, type MoreAction } from "./moreActions";
import type { Detail } from "./sections";

/** The buttons of the actions beyond the main ones, and the dialog of the one chosen. */
export function MoreActions({ detail, onDone }: { detail: Detail; onDone: () => void }) {
  const t = useT();
  const [open, setOpen] = useState<MoreAction | null>(null);
  const offered = moreActions(detail.status, detail.terms.version, detail.plan.terms.version);
  return (
    <>
      <Box display="flex" gap={2} flexWrap="wrap" data-more-actions>
        {offered.map((kind) => (
          <Button key={kind} variant="secondary" data-action={kind} onClick={() => setOpen(kind)}>
            {t(`dd.act.${kind}`)}
          </Button>
        ))}
      </Box>
      {open && (
        <DialogFor
          key={open}
          kind={open}
          detail={detail}
          onClose={() => setOpen(null)}
          onDone={() => {
            setOpen(null);
            onDone();
          }}
        />
      )}
    </>
  );
}
