import { describe, expect, it } from "vitest";

import { ratingLabel } from "./csat";

describe("ratingLabel", () => {
  it("reads both scales", () => {
    expect(ratingLabel({ scale: "good_bad", rating: 5 })).toBe("Good");
    expect(ratingLabel({ scale: "good_bad", rating: 1 })).toBe("Bad");
    expect(ratingLabel({ scale: "five", rating: 4 })).toBe("4 out of 5");
    expect(ratingLabel({ scale: "five", rating: null })).toBe("Not rated yet");
  });
});
