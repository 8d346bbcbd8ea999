import { useQuery } from "urql";

import { PlanChoicesQuery } from "../../api/jobs";
import { useT } from "../../i18n/useT";
import { DateField, SelectField } from "../../ui/fields";
import { PAYMENT_METHODS, withChange, type ListState } from "./listState";

/** The products the shop's plans are on, each named by its plans (the app knows plans, not product names). */
export function productChoices(plans: readonly { name: string; productId: string }[]): { id: string; label: string }[] {
  const names = new Map<string, string[]>();
  for (const plan of plans) {
    const list = names.get(plan.productId) ?? [];
    if (!list.includes(plan.name)) {
      list.push(plan.name);
    }
    names.set(plan.productId, list);
  }
  return [...names].map(([id, list]) => ({ id, label: list.join(" / ") }));
}

/** The list's filters by plan, product, saved payment method and next billing date. */
export function MoreFilters({ state, setState }: { state: ListState; setState: (next: ListState) => void }) {
  const t = useT();
  const [{ data }] = useQuery({ query: PlanChoicesQuery });
  const plans = data?.planChoices ?? [];
  const products = productChoices(plans);
  return (
    <>
      <SelectField label={t("filter.plan")} name="plan" value={state.plan} onChange={(plan) => setState(withChange(state, { plan }))}>
        <option value="">{t("filter.allPlans")}</option>
        {state.plan && !plans.some((p) => p.id === state.plan) && <option value={state.plan}>{state.plan}</option>}
        {plans.map((plan) => (
          <option key={plan.id} value={plan.id}>
            {plan.name} ({plan.channel})
          </option>
        ))}
      </SelectField>
      <SelectField
        label={t("filter.product")}
        name="product"
        value={state.product}
        onChange={(product) => setState(withChange(state, { product }))}
      >
        <option value="">{t("filter.allProducts")}</option>
        {state.product && !products.some((p) => p.id === state.product) && (
          <option value={state.product}>{state.product}</option>
        )}
        {products.map((product) => (
          <option key={product.id} value={product.id}>
            {product.label}
          </option>
        ))}
      </SelectField>
      <SelectField
        label={t("filter.method")}
        name="method"
        value={state.method}
        onChange={(method) => setState(withChange(state, { method }))}
      >
        <option value="">{t("filter.allMethods")}</option>
        {PAYMENT_METHODS.map((method) => (
          <option key={method} value={method}>
            {t(`filter.method.${method}`)}
          </option>
        ))}
      </SelectField>
      <DateField
        label={t("filter.nextFrom")}
        name="nextFrom"
        value={state.nextFrom}
        onChange={(nextFrom) => setState(withChange(state, { nextFrom }))}
      />
      <DateField
        label={t("filter.nextTo")}
        name="nextTo"
        value={state.nextTo}
        onChange={(nextTo) => setState(withChange(state, { nextTo }))}
      />
    </>
  );
}
