import { describe, expect, it } from "vitest";

import { ApiError } from "@/api/client";

import { changedValues, customFieldErrorsOf, validateCustomValues, type CustomField } from "./customFields";

function field(key: string, field_type: string, extra: Partial<CustomField> = {}): CustomField {
  return { id: 1, key, label: key.toUpperCase(), field_type, required: false, options: [], agent_only: false, position: 0, active: true, ...extra };
}

describe("validateCustomValues", () => {
  const fields = [
    field("order", "number", { required: true }),
    field("when", "date"),
    field("plan", "dropdown", { options: ["free", "pro"] }),
    field("areas", "multiselect", { options: ["a", "b"] }),
    field("vip", "checkbox"),
    field("note", "text"),
  ];

  it("accepts typed values and empty optional ones", () => {
    expect(validateCustomValues(fields, { order: 12.5, when: "2026-11-26", plan: "pro", areas: ["a"], vip: true, note: "x" })).toEqual({});
    expect(validateCustomValues(fields, { order: 1 })).toEqual({});
  });

  it("names the missing required field and each wrong value", () => {
    const errors = validateCustomValues(fields, { order: null, when: "26/11/2026", plan: "gold", areas: ["c"], note: "y".repeat(5001) });
    expect(errors.order).toBe("ORDER is required.");
    expect(errors.when).toMatch(/YYYY-MM-DD/);
    expect(errors.plan).toMatch(/options/);
    expect(errors.areas).toMatch(/options/);
    expect(errors.note).toMatch(/5000/);
    expect(errors.vip).toBeUndefined();
  });

  it("refuses NaN as a number", () => {
    expect(validateCustomValues([field("n", "number")], { n: Number.NaN }).n).toBe("Enter a number.");
  });
});

describe("changedValues", () => {
  it("sends only changes, and empties as null to clear", () => {
    expect(changedValues({ a: "x", b: ["1"], c: 3 }, { a: "x", b: [], c: 4, d: "" })).toEqual({ b: null, c: 4 });
  });
});

describe("customFieldErrorsOf", () => {
  it("maps core's custom_fields.<key> errors to keys and ignores others", () => {
    const error = new ApiError(422, "Invalid input.", { "custom_fields.plan": ["One of: free, pro."], subject: ["x"] });
    expect(customFieldErrorsOf(error)).toEqual({ plan: "One of: free, pro." });
    expect(customFieldErrorsOf(new Error("x"))).toEqual({});
  });
});
