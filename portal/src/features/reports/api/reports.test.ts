import { describe, expect, it } from "vitest";

import { change, csvUrl, exportParams, lastDays, previousRange, reportParams } from "./reports";

describe("report ranges", () => {
  it("compares with the period of the same length just before", () => {
    expect(previousRange("2026-03-01", "2026-03-30")).toEqual({ start: "2026-01-30", end: "2026-02-28" });
    expect(previousRange("2026-03-05", "2026-03-05")).toEqual({ start: "2026-03-04", end: "2026-03-04" });
  });
  it("counts the last n days including today", () => {
    expect(lastDays(7, new Date("2026-11-26T10:00:00Z"))).toEqual({ start: "2026-11-20", end: "2026-11-26" });
  });
  it("gives a relative change only when there is a base", () => {
    expect(change(15, 10)).toBeCloseTo(0.5);
    expect(change(5, 0)).toBeNull();
    expect(change(null, 3)).toBeNull();
  });
});

describe("report parameters", () => {
  const query = {
    start: "2026-11-01",
    end: "2026-11-30",
    group: "week" as const,
    filters: { team: "3", tag: "", field: "plan=pro" },
  };
  it("sends only the filters that are set", () => {
    expect(reportParams(query)).toEqual({ start: "2026-11-01", end: "2026-11-30", group: "week", team: "3", field: "plan=pro" });
    expect(csvUrl(query)).toBe("/api/v1/reports/tickets.csv?start=2026-11-01&end=2026-11-30&group=week&team=3&field=plan%3Dpro");
  });
  it("exports the tickets created in the range with the list's filter names", () => {
    expect(exportParams(query)).toEqual({
      created_after: "2026-11-01T00:00:00Z",
      created_before: "2026-12-01T00:00:00Z",
      team: "3",
      cf: ["plan:pro"],
    });
  });
});
