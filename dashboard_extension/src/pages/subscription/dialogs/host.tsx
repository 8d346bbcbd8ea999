import type { MoreAction } from "../moreActions";
import { ReactivateDialog, ShippingAddressDialog } from "./AddressDialogs";
import { PriceChangeDialog, QuantityDialog } from "./ChangeDialogs";
import { CreditGrantDialog, DiscountCodeDialog, FreePeriodsDialog } from "./GrantDialogs";
import { SwitchDialog } from "./SwitchDialog";
import type { DialogProps } from "./types";

/** The dialog of an action (one file per family). */
export function DialogFor({ kind, ...props }: DialogProps & { kind: MoreAction }) {
  switch (kind) {
    case "switch":
      return <SwitchDialog {...props} />;
    case "quantity":
      return <QuantityDialog {...props} />;
    case "priceChange":
      return <PriceChangeDialog {...props} />;
    case "freePeriods":
      return <FreePeriodsDialog {...props} />;
    case "creditGrant":
      return <CreditGrantDialog {...props} />;
    case "discountCode":
      return <DiscountCodeDialog {...props} />;
    case "shippingAddress":
      return <ShippingAddressDialog {...props} />;
    case "reactivate":
      return <ReactivateDialog {...props} />;
  }
}
