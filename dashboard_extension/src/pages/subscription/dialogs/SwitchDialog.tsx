import { useState } from "react";
import { useClient, useQuery } from "urql";

import { StaffSwitchMutation, SwitchPlansQuery } from "../../../api/detail";
import type { StaffSubscriptionSwitchMutation, SwitchTiming } from "../../../gql/graphql";
import { useT } from "../../../i18n/useT";
import { useZonedDates } from "../../../ui/dates";
import { SelectField } from "../../../ui/fields";
import { money } from "../../subscriptions/format";
import { DialogShell, Field, optional, Preview, refusalsOf, useRunner } from "./shell";
import type { DialogProps } from "./types";

type SwitchPreview = NonNullable<NonNullable<StaffSubscriptionSwitchMutation["staffSubscriptionSwitch"]>["preview"]>;
const FIELDS = ["planId", "timing", "discountCode", "reason"];

/**
 * Switches the plan in two steps: the API's `preview: true` first (the lines charged or credited now and the
 * first full period on the new plan), then the switch itself with the same terms. Changing a term asks again.
 */
export function SwitchDialog({ detail, onDone, onClose }: DialogProps) {
  const t = useT();
  const dates = useZonedDates();
  const client = useClient();
  const [{ data: plans }] = useQuery({
    query: SwitchPlansQuery,
    variables: { channel: detail.plan.channel, product: detail.plan.productId },
  });
  const choices = (plans?.plans ?? []).filter((plan) => plan.id !== detail.plan.id);
  const [planId, setPlanId] = useState("");
  const [timing, setTiming] = useState<"" | SwitchTiming>("");
  const [discountCode, setDiscountCode] = useState("");
  const [reason, setReason] = useState("");
  const [preview, setPreview] = useState<SwitchPreview | null>(null);
  const { errors, busy, run } = useRunner(onDone);
  const chosen = planId || choices[0]?.id || "";
  const variables = {
    id: detail.id,
    planId: chosen,
    timing: timing || null,
    discountCode: optional(discountCode),
    reason: optional(reason),
  };
  const changed = <V,>(set: (value: V) => void) => (value: V) => {
    set(value);
    setPreview(null);
  };

  const submit = () => {
    if (!preview) {
      void run(async () => {
        const result = await client.mutation(StaffSwitchMutation, { ...variables, preview: true }).toPromise();
        const payload = result.data?.staffSubscriptionSwitch;
        const refused = refusalsOf(result, payload?.errors);
        if (refused.length === 0 && payload?.preview) {
          setPreview(payload.preview);
        }
        return refused;
      }, null);
      return;
    }
    void run(async () => {
      const result = await client.mutation(StaffSwitchMutation, { ...variables, preview: false }).toPromise();
      return refusalsOf(result, result.data?.staffSubscriptionSwitch?.errors);
    }, t("dd.done.switch"));
  };

  const lines = preview
    ? [
        ...preview.lines.map((line) => `${line.description}: ${money(line.amount, preview.currency)}`),
        t("dd.switch.now", {
          due: money(preview.amountDueNow, preview.currency),
          credit: money(preview.creditNow, preview.currency),
        }),
        t("dd.switch.from", {
          date: dates.day(preview.effectiveOn),
          timing: t(`dd.timing.${preview.timing}`),
          direction: t(`dd.direction.${preview.direction}`),
        }),
        t("dd.switch.next", { total: money(preview.nextPeriodTotal, preview.currency) }),
      ]
    : [];
  return (
    <DialogShell
      kind="switch"
      title={t("dd.act.switch")}
      text={t("dd.confirm.switch", { plan: detail.plan.name })}
      fields={FIELDS}
      errors={errors}
      busy={busy}
      onSubmit={submit}
      onClose={onClose}
      confirm={preview ? "dd.switch.confirm" : "dd.switch.preview"}
      canConfirm={Boolean(chosen)}
    >
      {choices.length === 0 ? (
        <p data-state="empty">{t("dd.switch.noPlans")}</p>
      ) : (
        <SelectField label={t("dd.switch.plan")} name="planId" value={chosen} onChange={changed(setPlanId)}>
          {choices.map((plan) => (
            <option key={plan.id} value={plan.id}>
              {plan.terms.price ? `${plan.name} · ${money(plan.terms.price, plan.currency)}` : plan.name}
            </option>
          ))}
        </SelectField>
      )}
      {errors.planId && <p role="alert">{errors.planId}</p>}
      <SelectField label={t("dd.switch.timing")} name="timing" value={timing} onChange={changed((v: string) => setTiming(v as SwitchTiming | ""))}>
        <option value="">{t("dd.timing.default")}</option>
        <option value="NOW">{t("dd.timing.NOW")}</option>
        <option value="PERIOD_END">{t("dd.timing.PERIOD_END")}</option>
      </SelectField>
      <Field name="discountCode" label={t("dd.discountCode")} value={discountCode} onChange={changed(setDiscountCode)} errors={errors} />
      <Field name="reason" label={t("act.reason")} value={reason} onChange={setReason} errors={errors} />
      {preview && <Preview lines={lines} />}
    </DialogShell>
  );
}
