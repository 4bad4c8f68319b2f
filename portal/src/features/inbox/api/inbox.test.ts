import { describe, expect, it } from "vitest";

import { VIEWS, isInboxView } from "./inbox";

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
});
