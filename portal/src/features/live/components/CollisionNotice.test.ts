import { describe, expect, it } from "vitest";

import { listNames, otherViewers } from "./CollisionNotice";

const v = (membership_id: number, name: string, typing = false) => ({ membership_id, name, typing });

describe("collision notice", () => {
  it("leaves the viewer out of who else is there", () => {
    expect(otherViewers([v(1, "Me"), v(2, "Bob")], 1)).toEqual([v(2, "Bob")]);
  });
  it("names people in a sentence, with a fallback for a missing name", () => {
    expect(listNames([v(2, "Bob")])).toBe("Bob");
    expect(listNames([v(2, "Bob"), v(3, ""), v(4, "Cy")])).toBe("Bob, Another agent and Cy");
  });
});
