import { describe, expect, it } from "vitest";

import { stateLabel } from "./slaText";

describe("SLA texts", () => {
  it("labels states", () => {
    expect(stateLabel("warning")).toBe("At risk");
    expect(stateLabel("odd")).toBe("odd");
  });
});
