import type { Client } from "urql";

import {
  StaffCancelMutation,
  StaffCancelUndoMutation,
  StaffInvoiceMarkPaidMutation,
  StaffInvoiceRetryMutation,
  StaffInvoiceVoidMutation,
  StaffPauseMutation,
  StaffResumeMutation,
  StaffSkipMutation,
} from "../../api/subscriptions";
import { requestErrors, type FieldError } from "../../api/errors";
import type { InvoiceStatus, SubscriptionStatus } from "../../gql/graphql";

export type SubscriptionAction = "cancel" | "cancelUndo" | "pause" | "resume" | "skip";
export type InvoiceAction = "retry" | "markPaid" | "void";
export type ActionKind = SubscriptionAction | InvoiceAction;

/** What the owner fills in before confirming; each action reads its own. */
export interface ActionForm {
  reason: string;
  effect: "PERIOD_END" | "IMMEDIATELY";
  periods: string;
  reference: string;
  paidOn: string;
}

export const EMPTY_FORM: ActionForm = { reason: "", effect: "PERIOD_END", periods: "", reference: "", paidOn: "" };

const LIVE: readonly SubscriptionStatus[] = ["TRIALING", "ACTIVE", "PAST_DUE", "PAUSED", "SUSPENDED"];

/** The subscription's actions its state allows (the API checks again and refuses the rest with a reason). */
export function subscriptionActions(status: SubscriptionStatus, cancelAt: string | null | undefined): SubscriptionAction[] {
  const found: SubscriptionAction[] = [];
  if (LIVE.includes(status)) {
    found.push(cancelAt ? "cancelUndo" : "cancel");
  }
  if (status === "ACTIVE") {
    found.push("pause", "skip");
  }
  if (status === "PAUSED") {
    found.push("resume");
  }
  return found;
}

/** An invoice's actions: only an open invoice is retried, marked paid or voided. */
export function invoiceActions(status: InvoiceStatus): InvoiceAction[] {
  return status === "OPEN" ? ["retry", "markPaid", "void"] : [];
}

function optional(text: string): string | null {
  return text.trim() || null;
}

/** Whole numbers as numbers; anything else goes to the API as it is typed, which names the field. */
function periodsOf(text: string): number | null {
  const trimmed = text.trim();
  return trimmed === "" ? null : Number(trimmed);
}

/**
 * Runs a staff mutation: `target` is the subscription's id, or the invoice's for an invoice action. Answers the
 * refusals, `[]` when it was done: a request refused as a whole comes back as one field-less error.
 */
export async function runAction(client: Client, kind: ActionKind, target: string, form: ActionForm): Promise<FieldError[]> {
  const reason = optional(form.reason);
  const result = await (() => {
    switch (kind) {
      case "cancel":
        return client
          .mutation(StaffCancelMutation, { id: target, effect: form.effect, reason })
          .toPromise()
          .then((r) => ({ error: r.error, errors: r.data?.staffSubscriptionCancel?.errors }));
      case "cancelUndo":
        return client
          .mutation(StaffCancelUndoMutation, { id: target, reason })
          .toPromise()
          .then((r) => ({ error: r.error, errors: r.data?.staffSubscriptionCancelUndo?.errors }));
      case "pause":
        return client
          .mutation(StaffPauseMutation, { id: target, periods: periodsOf(form.periods), reason })
          .toPromise()
          .then((r) => ({ error: r.error, errors: r.data?.staffSubscriptionPause?.errors }));
      case "resume":
        return client
          .mutation(StaffResumeMutation, { id: target, reason })
          .toPromise()
          .then((r) => ({ error: r.error, errors: r.data?.staffSubscriptionResume?.errors }));
      case "skip":
        return client
          .mutation(StaffSkipMutation, { id: target, reason })
          .toPromise()
          .then((r) => ({ error: r.error, errors: r.data?.staffSubscriptionSkipNextPeriod?.errors }));
      case "retry":
        return client
          .mutation(StaffInvoiceRetryMutation, { id: target, reason })
          .toPromise()
          .then((r) => ({ error: r.error, errors: r.data?.staffInvoiceRetry?.errors }));
      case "markPaid":
        return client
          .mutation(StaffInvoiceMarkPaidMutation, {
            id: target,
            reference: form.reference.trim(),
            paidOn: form.paidOn,
            reason,
          })
          .toPromise()
          .then((r) => ({ error: r.error, errors: r.data?.staffInvoiceMarkPaid?.errors }));
      case "void":
        return client
          .mutation(StaffInvoiceVoidMutation, { id: target, reason })
          .toPromise()
          .then((r) => ({ error: r.error, errors: r.data?.staffInvoiceVoid?.errors }));
    }
  })();
  if (result.error) {
    return requestErrors(result.error);
  }
  return result.errors ?? [];
}
