import { describe, expect, it } from "vitest";

import { formatBytes, formatDateTime, remainingText, statusLabel } from "./format";

describe("statusLabel", () => {
  it("words the status categories for customers", () => {
    expect(statusLabel("pending")).toBe("Awaiting your reply");
    expect(statusLabel("on_hold")).toBe("On hold");
    expect(statusLabel("custom_thing")).toBe("custom thing");
  });
});

describe("formatDateTime", () => {
  it("shows only the time for today and the date otherwise", () => {
    const now = new Date("2026-11-25T15:00:00");
    expect(formatDateTime("2026-11-25T09:30:00", now)).toMatch(/09:30|9:30/);
    expect(formatDateTime("2026-01-02T09:30:00", now)).toMatch(/2026/);
    expect(formatDateTime("not a date", now)).toBe("not a date");
  });
});

describe("formatBytes", () => {
  it("picks a readable unit", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(2500)).toBe("2.4 KB");
    expect(formatBytes(25 * 1024 * 1024)).toBe("25 MB");
  });
});

describe("remainingText", () => {
  it("says time left and overdue", () => {
    expect(remainingText(25)).toBe("25 min left");
    expect(remainingText(65)).toBe("1 h 05 min left");
    expect(remainingText(-90)).toBe("1 h 30 min overdue");
    expect(remainingText(3 * 1440 + 120)).toBe("3 d 2 h left");
  });
});
