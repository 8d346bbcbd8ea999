import type { Detail } from "../sections";

/** What every dialog of the page gets: the subscription, and what to do once done or given up. */
export interface DialogProps {
  detail: Detail;
  onDone: () => void;
  onClose: () => void;
}

export type Invoice = NonNullable<Detail["invoiceDetails"]>[number];
