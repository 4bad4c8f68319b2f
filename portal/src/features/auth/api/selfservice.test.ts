import { describe, expect, it } from "vitest";

import { passwordProblem } from "./selfservice";

describe("passwordProblem", () => {
  it("wants 10+ characters typed twice the same", () => {
    expect(passwordProblem("short", "short")).toMatch(/10/);
    expect(passwordProblem("long enough", "long enougH")).toMatch(/differ/);
    expect(passwordProblem("long enough", "long enough")).toBeNull();
  });
});
