import { Box, Text } from "@saleor/macaw-ui";
import type { ChangeEvent, ReactNode } from "react";

const CONTROL = {
  padding: 2,
  borderRadius: 3,
  borderWidth: 1,
  borderStyle: "solid",
  borderColor: "default1",
  backgroundColor: "default1",
  color: "default1",
} as const;

/** A labelled native select (macaw-ui's Select needs a portal a popup frame does not always have). */
export function SelectField({
  label,
  name,
  value,
  onChange,
  children,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  children: ReactNode;
}) {
  return (
    <Box as="label" display="flex" flexDirection="column" gap={1}>
      <Text size={2}>
        {label}
      </Text>
      <Box
        as="select"
        name={name}
        value={value}
        {...CONTROL}
        onChange={(event: ChangeEvent<HTMLSelectElement>) => onChange(event.target.value)}
      >
        {children}
      </Box>
    </Box>
  );
}

/** A labelled native date input (`YYYY-MM-DD`). */
export function DateField({
  label,
  name,
  value,
  onChange,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <Box as="label" display="flex" flexDirection="column" gap={1}>
      <Text size={2}>
        {label}
      </Text>
      <Box
        as="input"
        type="date"
        name={name}
        value={value}
        {...CONTROL}
        onChange={(event: ChangeEvent<HTMLInputElement>) => onChange(event.target.value)}
      />
    </Box>
  );
}
