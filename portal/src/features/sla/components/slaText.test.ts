import { describe, expect, it } from "vitest";

import { remainingText, stateLabel } from "./slaText";

describe("SLA texts", () => {
  it("says time left and overdue", () => {
    expect(remainingText(25)).toBe("25 min left");
    expect(remainingText(65)).toBe("1 h 05 min left");
    expect(remainingText(-90)).toBe("1 h 30 min overdue");
    expect(remainingText(3 * 1440 + 120)).toBe("3 d 2 h left");
  });
  it("labels states", () => {
    expect(stateLabel("warning")).toBe("At risk");
    expect(stateLabel("odd")).toBe("odd");
  });
});
