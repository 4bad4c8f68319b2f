import { describe, expect, it } from "vitest";

import { errorMessage, readCookie } from "./client";

describe("readCookie", () => {
  it("finds a cookie among others", () => {
    expect(readCookie("a=1; csrftoken=abc%3D; b=2", "csrftoken")).toBe("abc=");
  });
  it("answers null when missing", () => {
    expect(readCookie("sessionid=x", "csrftoken")).toBeNull();
    expect(readCookie("", "csrftoken")).toBeNull();
  });
});

describe("errorMessage", () => {
  it("uses core's detail string", () => {
    expect(errorMessage(401, { detail: "Invalid email or password." })).toBe("Invalid email or password.");
  });
  it("summarises validation lists", () => {
    expect(errorMessage(422, { detail: [{ loc: ["body"], msg: "x" }] })).toMatch(/check/);
  });
  it("lists problem+json field errors", () => {
    expect(errorMessage(422, { detail: "Invalid input.", errors: { subject: ["Too long."] } })).toBe(
      "subject: Too long.",
    );
  });
  it("hides server internals", () => {
    expect(errorMessage(500, "<html>Traceback</html>")).toMatch(/server had a problem/);
  });
});
