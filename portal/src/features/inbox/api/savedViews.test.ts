import { describe, expect, it } from "vitest";

import { ACTIVE } from "./inbox";
import { filtersFromForm, formFromView, type SavedView } from "./savedViews";

const view = (filters: Record<string, unknown>): SavedView => ({ id: 4, name: "VIP", filters, position: 0, created_at: "2026-11-26T10:00:00Z" });

describe("saved view forms", () => {
  it("start a new view on not-solved tickets, anyone's, any team", () => {
    expect(formFromView(null)).toEqual({ name: "", state: "active", priorities: [], assignee: "", team: "", tags: "" });
    expect(filtersFromForm(formFromView(null))).toEqual({ status_category: ACTIVE });
  });

  it("read a saved view's filters and write the same filters back", () => {
    const saved = { status_category: ACTIVE, priority: ["high", "urgent"], assignee: "me", team: "3", tag: ["vip", "eu"] };
    const form = formFromView(view(saved));
    expect(form).toMatchObject({ name: "VIP", state: "active", priorities: ["high", "urgent"], assignee: "me", team: "3", tags: "vip, eu" });
    expect(filtersFromForm(form, saved)).toEqual(saved);
  });

  it("keep filters the form has no field for, and state filters saved another way", () => {
    const saved = { status_category: ["pending"], channel: ["email"], sort: "created_at", priority: ["low"] };
    const form = formFromView(view(saved));
    expect(form.state).toBe("kept");
    const changed = filtersFromForm({ ...form, priorities: [], tags: "Billing, billing  refunds" }, saved);
    expect(changed).toEqual({ status_category: ["pending"], channel: ["email"], sort: "created_at", tag: ["billing", "refunds"] });
  });

  it("drop the state filter for any state, and read a view without one as any state", () => {
    expect(formFromView(view({})).state).toBe("any");
    expect(filtersFromForm({ ...formFromView(view({ status_category: ["solved"] })), state: "any" })).toEqual({});
  });
});
