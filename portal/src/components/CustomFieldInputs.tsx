// Inputs for custom ticket fields, one typed control per definition, with its error under it.
import type { CustomField, CustomValue, CustomValues } from "@/lib/customFields";

type Props = {
  fields: CustomField[];
  values: CustomValues;
  errors: Record<string, string>;
  onChange: (key: string, value: CustomValue | null) => void;
  idPrefix: string;
  disabled?: boolean;
};

function Control({ field, value, onChange, id, describedBy, disabled }: {
  field: CustomField;
  value: CustomValue | null | undefined;
  onChange: (value: CustomValue | null) => void;
  id: string;
  describedBy: string | undefined;
  disabled?: boolean;
}) {
  const common = { id, "aria-describedby": describedBy, "aria-invalid": describedBy ? true : undefined, disabled };
  switch (field.field_type) {
    case "number":
      return (
        <input
          {...common}
          type="number"
          step="any"
          aria-required={field.required}
          value={typeof value === "number" ? value : ""}
          onChange={(e) => onChange(e.target.value === "" ? null : e.target.valueAsNumber)}
        />
      );
    case "date":
      return (
        <input
          {...common}
          type="date"
          aria-required={field.required}
          value={typeof value === "string" ? value : ""}
          onChange={(e) => onChange(e.target.value || null)}
        />
      );
    case "dropdown":
      return (
        <select {...common} aria-required={field.required} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.target.value || null)}>
          <option value="">—</option>
          {field.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
    case "multiselect": {
      const chosen = Array.isArray(value) ? value : [];
      return (
        <fieldset {...common} className="checks">
          <legend className="visually-hidden">{field.label}</legend>
          {field.options.map((o) => (
            <label key={o} className="check">
              <input
                type="checkbox"
                checked={chosen.includes(o)}
                disabled={disabled}
                onChange={(e) => onChange(e.target.checked ? [...chosen, o] : chosen.filter((c) => c !== o))}
              />{" "}
              {o}
            </label>
          ))}
        </fieldset>
      );
    }
    case "checkbox":
      return (
        <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
      );
    default:
      return (
        <input
          {...common}
          type="text"
          maxLength={5000}
          aria-required={field.required}
          value={typeof value === "string" ? value : ""}
          onChange={(e) => onChange(e.target.value)}
        />
      );
  }
}

export function CustomFieldInputs({ fields, values, errors, onChange, idPrefix, disabled }: Props) {
  return (
    <>
      {fields.map((field) => {
        const id = `${idPrefix}-${field.key}`;
        const errorId = errors[field.key] ? `${id}-error` : undefined;
        return (
          <div key={field.key} className={field.field_type === "checkbox" ? "field field--inline" : "field"} data-field={field.key}>
            <label htmlFor={id}>
              {field.label}
              {field.required ? <span aria-hidden="true"> *</span> : null}
            </label>
            <Control
              field={field}
              value={values[field.key]}
              onChange={(v) => onChange(field.key, v)}
              id={id}
              describedBy={errorId}
              disabled={disabled}
            />
            {errorId ? (
              <p id={errorId} className="field-error">
                {errors[field.key]}
              </p>
            ) : null}
          </div>
        );
      })}
    </>
  );
}
