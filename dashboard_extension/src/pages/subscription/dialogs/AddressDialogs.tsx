import { useState } from "react";
import { useClient } from "urql";

import { StaffReactivateMutation, StaffShippingAddressMutation } from "../../../api/detail";
import type { MessageId } from "../../../i18n/messages";
import { useT } from "../../../i18n/useT";
import { money } from "../../subscriptions/format";
import { DialogShell, Field, optional, Preview, refusalsOf, useRunner } from "./shell";
import type { DialogProps } from "./types";

const ADDRESS = [
  "firstName",
  "lastName",
  "companyName",
  "streetAddress1",
  "streetAddress2",
  "postalCode",
  "city",
  "cityArea",
  "countryArea",
  "country",
  "phone",
] as const;
type AddressField = (typeof ADDRESS)[number];
const REQUIRED: readonly AddressField[] = ["streetAddress1", "city", "country"];

/** Where future renewal orders ship; orders already made keep theirs. Saleor checks the country's rules again
 * on each order. */
export function ShippingAddressDialog({ detail, onDone, onClose }: DialogProps) {
  const t = useT();
  const client = useClient();
  const [address, setAddress] = useState<Record<AddressField, string>>(
    () => Object.fromEntries(ADDRESS.map((name) => [name, ""])) as Record<AddressField, string>,
  );
  const [reason, setReason] = useState("");
  const { errors, setErrors, busy, run } = useRunner(onDone);
  const submit = () => {
    const missing = REQUIRED.filter((name) => !address[name].trim());
    if (missing.length > 0) {
      setErrors(Object.fromEntries(missing.map((name) => [name, t("dd.address.required")])));
      return;
    }
    const sent = {
      streetAddress1: address.streetAddress1.trim(),
      city: address.city.trim(),
      country: address.country.trim().toUpperCase(),
      ...Object.fromEntries(
        ADDRESS.filter((name) => !REQUIRED.includes(name)).map((name) => [name, optional(address[name])]),
      ),
    };
    void run(async () => {
      const result = await client
        .mutation(StaffShippingAddressMutation, { id: detail.id, address: sent, reason: optional(reason) })
        .toPromise();
      return refusalsOf(result, result.data?.staffSubscriptionShippingAddressUpdate?.errors);
    }, t("dd.done.shippingAddress"));
  };
  return (
    <DialogShell
      kind="shippingAddress"
      title={t("dd.act.shippingAddress")}
      text={t("dd.confirm.shippingAddress")}
      fields={[...ADDRESS, "reason"]}
      errors={errors}
      busy={busy}
      onSubmit={submit}
      onClose={onClose}
    >
      {ADDRESS.map((name) => (
        <Field
          key={name}
          name={name}
          label={t(`dd.address.${name}` as MessageId)}
          value={address[name]}
          onChange={(value) => setAddress({ ...address, [name]: value })}
          errors={errors}
          help={name === "country" ? t("dd.address.countryHelp") : undefined}
        />
      ))}
      <Field name="reason" label={t("act.reason")} value={reason} onChange={setReason} errors={errors} />
    </DialogShell>
  );
}

/** Brings a cancelled subscription back within its window: a new period from today, charged on the saved
 * method within minutes. */
export function ReactivateDialog({ detail, onDone, onClose }: DialogProps) {
  const t = useT();
  const client = useClient();
  const [reason, setReason] = useState("");
  const { errors, busy, run } = useRunner(onDone);
  const submit = () => {
    void run(async () => {
      const result = await client.mutation(StaffReactivateMutation, { id: detail.id, reason: optional(reason) }).toPromise();
      return refusalsOf(result, result.data?.staffSubscriptionReactivate?.errors);
    }, t("dd.done.reactivate"));
  };
  return (
    <DialogShell
      kind="reactivate"
      title={t("dd.act.reactivate")}
      text={t("dd.confirm.reactivate")}
      fields={["reason"]}
      errors={errors}
      busy={busy}
      onSubmit={submit}
      onClose={onClose}
    >
      <Field name="reason" label={t("act.reason")} value={reason} onChange={setReason} errors={errors} />
      <Preview
        lines={[
          detail.amount
            ? t("dd.reactivate.charge", { amount: money(detail.amount, detail.currency) })
            : t("dd.reactivate.channel"),
        ]}
      />
    </DialogShell>
  );
}
