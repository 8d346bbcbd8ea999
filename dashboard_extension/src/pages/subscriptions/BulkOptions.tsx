import { Text } from "@saleor/macaw-ui";
import { useQuery } from "urql";

import { PlanChoicesQuery } from "../../api/jobs";
import { useT } from "../../i18n/useT";
import { DateField, SelectField } from "../../ui/fields";
import type { BulkForm } from "./selection";

/** The cancel's options: when (as each plan says, at the period's end, now) and, unless at the period's end,
 * whether the unused part is credited. */
export function CancelOptions({ form, setForm }: { form: BulkForm; setForm: (next: BulkForm) => void }) {
  const t = useT();
  return (
    <>
      <SelectField
        label={t("bulk.effect")}
        name="effect"
        value={form.effect}
        onChange={(effect) => setForm({ ...form, effect: effect as BulkForm["effect"] })}
      >
        <option value="">{t("bulk.asPlan")}</option>
        <option value="PERIOD_END">{t("bulk.effect.PERIOD_END")}</option>
        <option value="IMMEDIATELY">{t("bulk.effect.IMMEDIATELY")}</option>
      </SelectField>
      {form.effect !== "PERIOD_END" && (
        <SelectField
          label={t("bulk.credit")}
          name="credit"
          value={form.credit}
          onChange={(credit) => setForm({ ...form, credit: credit as BulkForm["credit"] })}
        >
          <option value="">{t("bulk.asPlan")}</option>
          <option value="yes">{t("bulk.credit.yes")}</option>
          <option value="no">{t("bulk.credit.no")}</option>
        </SelectField>
      )}
    </>
  );
}

/** The price migration's options: the plan whose newest version the subscriptions move to (its version
 * number is what is sent: each subscription moves to that version of its own plan) and from when. */
export function PriceMigrationOptions({
  form,
  setForm,
  error,
}: {
  form: BulkForm;
  setForm: (next: BulkForm) => void;
  error: string | undefined;
}) {
  const t = useT();
  const [{ data }] = useQuery({ query: PlanChoicesQuery });
  const plans = data?.planChoices ?? [];
  const picked = plans.find((plan) => String(plan.terms.version) === form.version && plan.id === form.plan);
  return (
    <>
      <SelectField
        label={t("bulk.migrationPlan")}
        name="plan"
        value={form.plan}
        onChange={(id) => {
          const plan = plans.find((p) => p.id === id);
          setForm({ ...form, plan: id, version: plan ? String(plan.terms.version) : "" });
        }}
      >
        <option value="">{t("bulk.migrationPick")}</option>
        {plans.map((plan) => (
          <option key={plan.id} value={plan.id}>
            {t("bulk.migrationChoice", {
              name: plan.name,
              currency: plan.currency,
              version: plan.terms.version,
              archived: plan.archivedAt ? "yes" : "no",
            })}
          </option>
        ))}
      </SelectField>
      {error ? (
        <Text size={2} color="critical1" role="alert">
          {error}
        </Text>
      ) : (
        <Text size={2}>
          {picked ? t("bulk.migrationTo", { version: picked.terms.version, name: picked.name }) : t("bulk.migrationHelp")}
        </Text>
      )}
      <DateField
        label={t("bulk.effectiveOn")}
        name="effectiveOn"
        value={form.effectiveOn}
        onChange={(effectiveOn) => setForm({ ...form, effectiveOn })}
      />
    </>
  );
}
