import { describe, expect, it } from "vitest";

import { safeColor } from "./color";
import { homePath, isStaff, ticketPath, type Me } from "./session";

const person = (role: string | null): Me => ({
  id: 1,
  email: "x@acme.test",
  full_name: "X",
  tenant: "acme",
  role,
  membership_id: 1,
  locale: "",
});

describe("homePath", () => {
  it("sends agents, admins and owners to the workspace", () => {
    for (const role of ["agent", "admin", "owner"]) expect(homePath(person(role))).toBe("/agent");
  });
  it("sends customers to the portal and strangers to login", () => {
    expect(homePath(person("customer"))).toBe("/portal");
    expect(homePath(null)).toBe("/login");
    expect(isStaff(person(null))).toBe(false);
  });
});

describe("ticketPath", () => {
  it("opens tickets in each person's own area", () => {
    expect(ticketPath(person("agent"), 7)).toBe("/agent/tickets/7");
    expect(ticketPath(person("customer"), 7)).toBe("/portal/tickets/7");
  });
});

describe("safeColor", () => {
  it("keeps hex colours and drops anything else", () => {
    expect(safeColor("#0a7")).toBe("#0a7");
    expect(safeColor(" #0055AA ")).toBe("#0055AA");
    expect(safeColor("red; background: url(x)")).toBeNull();
    expect(safeColor(12)).toBeNull();
  });
});
