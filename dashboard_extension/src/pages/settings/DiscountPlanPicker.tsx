import { Box, Text } from "@saleor/macaw-ui";
import { useId, type ChangeEvent } from "react";
import { useQuery } from "urql";

import { DiscountPlanChoicesQuery } from "../../api/settings";
import { useT } from "../../i18n/useT";
import { TextField } from "./common";
import { planIds } from "./discountForm";

/**
 * The plans a discount code is for, ticked from every plan of the shop (`planChoices`: name, currency and
 * channel; archived ones marked). `value` is the form's plan ids (one a line), in the order they were ticked.
 * Ids the list does not name stay ticked until unticked. Without the list (a token that may not read plans)
 * the ids are typed, as before.
 */
export function DiscountPlanPicker({
  value,
  error,
  onChange,
}: {
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  const t = useT();
  const legendId = useId();
  const [{ data, fetching }] = useQuery({ query: DiscountPlanChoicesQuery });
  const choices = data?.planChoices;
  if (!choices) {
    if (fetching) {
      return null;
    }
    return (
      <TextField name="plans" label={t("set.codes.plans")} value={value} error={error} help={t("set.codes.plansHelp")} onChange={onChange} />
    );
  }
  const picked = planIds(value);
  const known = new Set(choices.map((plan) => plan.id));
  const toggle = (id: string) => (event: ChangeEvent<HTMLInputElement>) =>
    onChange((event.target.checked ? [...picked, id] : picked.filter((other) => other !== id)).join("\n"));
  const box = (id: string, label: string) => (
    <Box as="label" key={id} display="flex" gap={2} alignItems="center">
      <input type="checkbox" name="plans" value={id} checked={picked.includes(id)} onChange={toggle(id)} />
      <Text>{label}</Text>
    </Box>
  );
  return (
    <Box as="fieldset" role="group" aria-labelledby={legendId} display="flex" flexDirection="column" gap={1} data-field="plans" style={{ border: "none", padding: 0, margin: 0 }}>
      <Text as="span" id={legendId} size={3} fontWeight="bold">
        {t("set.codes.plans")}
      </Text>
      <Box display="flex" flexDirection="column" gap={1} style={{ maxHeight: 240, overflowY: "auto" }}>
        {choices.map((plan) =>
          box(
            plan.id,
            `${plan.name} · ${plan.currency} · ${plan.channel}${plan.archivedAt ? ` (${t("set.codes.planArchived")})` : ""}`,
          ),
        )}
        {picked.filter((id) => !known.has(id)).map((id) => box(id, t("set.codes.planUnknown", { id })))}
      </Box>
      {error ? (
        <Text size={2} color="critical1" role="alert">
          {error}
        </Text>
      ) : (
        <Text size={2}>{t("set.codes.plansPick")}</Text>
      )}
    </Box>
  );
}
