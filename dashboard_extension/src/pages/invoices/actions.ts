import type { Client } from "urql";

import { requestErrors, type FieldError } from "../../api/errors";
import { StaffInvoiceRefundMutation } from "../../api/invoices";
import {
  StaffInvoiceMarkPaidMutation,
  StaffInvoiceRetryMutation,
  StaffInvoiceVoidMutation,
} from "../../api/subscriptions";
import type { InvoiceStatus } from "../../gql/graphql";
import type { RefundAs } from "./refund";

export type InvoiceActionKind = "retry" | "markPaid" | "void" | "refund";

/** What the owner fills in before confirming; each action reads its own. */
export interface InvoiceActionForm {
  reason: string;
  reference: string;
  paidOn: string;
  amount: string;
  as: RefundAs;
}

export const EMPTY_INVOICE_FORM: InvoiceActionForm = {
  reason: "",
  reference: "",
  paidOn: "",
  amount: "",
  as: "MONEY_BACK",
};

/** The actions an invoice's state allows: an open one is retried, marked paid or voided; a paid one with
 * something left is refunded. The API checks again and refuses the rest with a reason. */
export function invoiceActionsOf(status: InvoiceStatus, refundable: string): InvoiceActionKind[] {
  if (status === "OPEN") {
    return ["retry", "markPaid", "void"];
  }
  if (status === "PAID" && Number(refundable) > 0) {
    return ["refund"];
  }
  return [];
}

function optional(text: string): string | null {
  return text.trim() || null;
}

/**
 * Runs an invoice's staff mutation and answers its refusals, `[]` when done; a request refused as a whole
 * comes back as one field-less error. `idempotencyKey` makes a refund sent twice refund once.
 */
export async function runInvoiceAction(
  client: Client,
  kind: InvoiceActionKind,
  id: string,
  form: InvoiceActionForm,
  idempotencyKey: string,
): Promise<FieldError[]> {
  const reason = optional(form.reason);
  const result = await (() => {
    switch (kind) {
      case "retry":
        return client
          .mutation(StaffInvoiceRetryMutation, { id, reason })
          .toPromise()
          .then((r) => ({ error: r.error, errors: r.data?.staffInvoiceRetry?.errors }));
      case "markPaid":
        return client
          .mutation(StaffInvoiceMarkPaidMutation, { id, reference: form.reference.trim(), paidOn: form.paidOn, reason })
          .toPromise()
          .then((r) => ({ error: r.error, errors: r.data?.staffInvoiceMarkPaid?.errors }));
      case "void":
        return client
          .mutation(StaffInvoiceVoidMutation, { id, reason })
          .toPromise()
          .then((r) => ({ error: r.error, errors: r.data?.staffInvoiceVoid?.errors }));
      case "refund":
        return client
          .mutation(StaffInvoiceRefundMutation, {
            id,
            amount: optional(form.amount.replace(",", ".")),
            as: form.as,
            reason,
            idempotencyKey,
          })
          .toPromise()
          .then((r) => ({ error: r.error, errors: r.data?.staffInvoiceRefund?.errors }));
    }
  })();
  if (result.error) {
    return requestErrors(result.error);
  }
  return result.errors ?? [];
}
