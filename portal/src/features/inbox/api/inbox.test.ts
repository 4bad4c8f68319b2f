import { describe, expect, it } from "vitest";

import { BULK_LIMIT, EMPTY_BULK_FORM, VIEWS, bulkChanges, isInboxView, parseViewRef, savedQuery, toggleAll, toggleSelected } from "./inbox";

describe("inbox views", () => {
  it("recognises only known views", () => {
    expect(isInboxView("mine")).toBe(true);
    expect(isInboxView("toString")).toBe(false);
    expect(isInboxView(undefined)).toBe(false);
  });
  it("filters mine and unassigned by assignee, all by nothing", () => {
    expect(VIEWS.mine.query.assignee).toBe("me");
    expect(VIEWS.unassigned.query.assignee).toBe("none");
    expect(VIEWS.all.query).toEqual({});
  });
  it("reads fixed, SLA and saved views from the address", () => {
    expect(parseViewRef("open")).toEqual({ kind: "fixed", view: "open" });
    expect(parseViewRef("sla")).toEqual({ kind: "sla" });
    expect(parseViewRef("saved-42")).toEqual({ kind: "saved", id: 42 });
    expect(parseViewRef("saved-x")).toEqual({ kind: "fixed", view: "mine" });
  });
  it("turns saved filters into list parameters, dropping unknown keys", () => {
    expect(savedQuery({ priority: ["high"], tag: "vip", assignee: "me", evil: "1", team: 3 })).toEqual({
      priority: ["high"],
      tag: ["vip"],
      assignee: "me",
    });
  });
});

describe("selection", () => {
  it("toggles one id and stops at the bulk limit", () => {
    let s = toggleSelected(new Set(), 1);
    expect([...s]).toEqual([1]);
    s = toggleSelected(s, 1);
    expect(s.size).toBe(0);
    const full = new Set(Array.from({ length: BULK_LIMIT }, (_, i) => i));
    expect(toggleSelected(full, 999).has(999)).toBe(false);
  });
  it("selects all shown up to the limit, and clears them when all are selected", () => {
    expect([...toggleAll(new Set([1]), [1, 2, 3])]).toEqual([1, 2, 3]);
    expect([...toggleAll(new Set([1, 2, 3, 9]), [1, 2, 3])]).toEqual([9]);
    expect(toggleAll(new Set(), Array.from({ length: 150 }, (_, i) => i)).size).toBe(BULK_LIMIT);
  });
});

describe("bulkChanges", () => {
  it("sends only what the agent set; 'none' clears assignee and team", () => {
    expect(bulkChanges(EMPTY_BULK_FORM)).toEqual({});
    expect(bulkChanges({ ...EMPTY_BULK_FORM, status: "pending", assignee: "none", team: "7", addTags: "VIP, billing vip" })).toEqual({
      status: "pending",
      assignee_id: null,
      team_id: 7,
      add_tags: ["vip", "billing"],
    });
  });
});
