// Custom ticket fields: the tenant's definitions, typed values, and checks before sending.
import { useQuery } from "@tanstack/react-query";

import { ApiError, api, unwrap, type Schemas } from "@/api/client";

export type CustomField = Schemas["CustomFieldOut"];
export type CustomValue = string | number | boolean | string[];
export type CustomValues = Record<string, CustomValue | null>;

/** The active definitions the caller may fill in (core leaves agent-only ones out for customers). */
export function useCustomFields() {
  return useQuery({
    queryKey: ["custom-fields"],
    queryFn: async () => unwrap(await api.GET("/api/v1/custom-fields")),
    staleTime: 5 * 60_000,
    select: (fields) => fields.filter((f) => f.active).sort((a, b) => a.position - b.position || a.id - b.id),
  });
}

export function isEmptyValue(value: unknown): boolean {
  return value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);
}

/** What core would refuse, per field key: a missing required value or a value of the wrong kind. */
export function validateCustomValues(fields: CustomField[], values: CustomValues): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const value = values[field.key];
    if (isEmptyValue(value) || (field.field_type === "checkbox" && value === false && field.required)) {
      if (field.required && field.field_type !== "checkbox") errors[field.key] = `${field.label} is required.`;
      continue;
    }
    switch (field.field_type) {
      case "number":
        if (typeof value !== "number" || !Number.isFinite(value)) errors[field.key] = "Enter a number.";
        break;
      case "date":
        if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))
          errors[field.key] = "Enter a date as YYYY-MM-DD.";
        break;
      case "dropdown":
        if (typeof value !== "string" || !field.options.includes(value)) errors[field.key] = "Pick one of the options.";
        break;
      case "multiselect":
        if (!Array.isArray(value) || value.some((v) => !field.options.includes(v)))
          errors[field.key] = "Pick from the options.";
        break;
      case "checkbox":
        if (typeof value !== "boolean") errors[field.key] = "Tick or untick.";
        break;
      default:
        if (typeof value !== "string") errors[field.key] = "Enter text.";
        else if (value.length > 5000) errors[field.key] = "At most 5000 characters.";
    }
  }
  return errors;
}

/** The changed values to send: empty values become null (core clears the field). */
export function changedValues(before: Record<string, unknown>, after: CustomValues): CustomValues {
  const changes: CustomValues = {};
  for (const [key, value] of Object.entries(after)) {
    const next = isEmptyValue(value) ? null : value;
    const previous = isEmptyValue(before[key]) ? null : before[key];
    if (JSON.stringify(next) !== JSON.stringify(previous)) changes[key] = next;
  }
  return changes;
}

/** Core's per-field errors (`custom_fields.<key>`) of a failed request, by field key. */
export function customFieldErrorsOf(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const result: Record<string, string> = {};
  for (const [name, messages] of Object.entries(error.fieldErrors)) {
    if (name.startsWith("custom_fields.")) result[name.slice("custom_fields.".length)] = messages.join(" ");
  }
  return result;
}
