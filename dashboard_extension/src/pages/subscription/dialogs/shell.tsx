import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { useCallback, useId, useState, type FormEvent, type ReactNode } from "react";
import type { CombinedError } from "urql";

import { errorsByField, requestErrors, type FieldError } from "../../../api/errors";
import { useNotify } from "../../../bridge/hooks";
import type { MessageId } from "../../../i18n/messages";
import { useT } from "../../../i18n/useT";

/** A mutation's outcome as the dialogs read it: the request's failure, or the payload's refusals. */
export function refusalsOf(result: { error?: CombinedError }, errors: readonly FieldError[] | null | undefined): FieldError[] {
  return result.error ? requestErrors(result.error) : [...(errors ?? [])];
}

/**
 * The state of one confirmed action: `run` sends it; refusals go on their fields (`errors`) and, all of them,
 * into a dashboard notification; success notifies and calls `onDone`.
 */
export function useRunner(onDone: () => void) {
  const t = useT();
  const notify = useNotify();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (send: () => Promise<FieldError[]>, done: string | null): Promise<boolean> => {
      setBusy(true);
      const refused = await send();
      setBusy(false);
      if (refused.length > 0) {
        setErrors(errorsByField(refused));
        notify.error(t("act.refused"), refused);
        return false;
      }
      setErrors({});
      if (done !== null) {
        notify.success(done);
        onDone();
      }
      return true;
    },
    [notify, onDone, t],
  );
  return { errors, setErrors, busy, run };
}

/** A labelled text input showing its field's refusal (or its help). */
export function Field({
  name,
  label,
  value,
  onChange,
  errors,
  type = "text",
  help,
}: {
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  errors: Record<string, string>;
  type?: "text" | "number" | "date";
  help?: string;
}) {
  return (
    <Input
      name={name}
      type={type}
      label={label}
      value={value}
      error={Boolean(errors[name])}
      aria-invalid={Boolean(errors[name])}
      role={undefined}
      helperText={errors[name] ?? help}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}

/** The money a confirmation moves, shown before it is confirmed. */
export function Preview({ lines }: { lines: string[] }) {
  const t = useT();
  return (
    <Box
      data-preview
      display="flex"
      flexDirection="column"
      gap={1}
      padding={3}
      borderWidth={1}
      borderStyle="solid"
      borderColor="default1"
      borderRadius={3}
      aria-live="polite"
    >
      <Text fontWeight="bold">{t("dd.preview")}</Text>
      {lines.map((line) => (
        <Text key={line}>{line}</Text>
      ))}
    </Box>
  );
}

/**
 * The frame of every dialog of the page (a dashboard frame may not open browser dialogs): title, what the
 * action does, its fields, the refusals that name no field of its own, confirm and back.
 */
export function DialogShell({
  kind,
  title,
  text,
  fields,
  errors,
  busy,
  onSubmit,
  onClose,
  confirm,
  canConfirm = true,
  children,
}: {
  kind: string;
  title: string;
  text: string;
  fields: readonly string[];
  errors: Record<string, string>;
  busy: boolean;
  onSubmit: () => void;
  onClose: () => void;
  confirm?: MessageId;
  canConfirm?: boolean;
  children: ReactNode;
}) {
  const t = useT();
  const titleId = useId();
  const others = Object.entries(errors)
    .filter(([name]) => !fields.includes(name))
    .map(([name, message]) => (name ? `${name}: ${message}` : message));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <Box
      role="dialog"
      aria-modal="true"
      aria-labelledby={titleId}
      data-dialog={kind}
      display="flex"
      flexDirection="column"
      gap={3}
      padding={5}
      borderWidth={1}
      borderStyle="solid"
      borderColor="default1"
      borderRadius={4}
      backgroundColor="default1"
    >
      <Text as="h2" id={titleId} size={6} fontWeight="bold">
        {title}
      </Text>
      <Text>{text}</Text>
      <Box as="form" display="flex" flexDirection="column" gap={3} onSubmit={submit} noValidate>
        {children}
        {others.length > 0 && (
          <Text color="critical1" role="alert" data-refusal>
            {others.join("; ")}
          </Text>
        )}
        <Box display="flex" gap={2}>
          <Button type="submit" variant="primary" disabled={busy || !canConfirm} data-action="confirm">
            {t(confirm ?? "act.confirm")}
          </Button>
          <Button type="button" variant="secondary" onClick={onClose}>
            {t("act.back")}
          </Button>
        </Box>
      </Box>
    </Box>
  );
}

/** Empty text is null (the API's default). */
export function optional(text: string): string | null {
  return text.trim() || null;
}
