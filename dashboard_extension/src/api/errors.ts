import type { CombinedError } from "urql";

export interface FieldError {
  field?: string | null;
  code?: string;
  message: string;
}

/** The API's field errors by input field (`setupFee`, `terms.setupFee` → `setupFee`); the rest under "". */
export function errorsByField(errors: readonly FieldError[]): Record<string, string> {
  const found: Record<string, string> = {};
  for (const error of errors) {
    const key = (error.field ?? "").split(".").pop() ?? "";
    found[key] = found[key] ? `${found[key]}; ${error.message}` : error.message;
  }
  return found;
}

/** A request that failed as a whole (network, 4xx/5xx, top-level errors) as field-less errors. */
export function requestErrors(error: CombinedError): FieldError[] {
  if (error.graphQLErrors.length > 0) {
    return error.graphQLErrors.map((e) => ({
      message: e.message,
      code: typeof e.extensions.code === "string" ? e.extensions.code : undefined,
      field: null,
    }));
  }
  return [{ message: error.networkError?.message ?? error.message, field: null }];
}
