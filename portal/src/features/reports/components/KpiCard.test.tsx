/** @vitest-environment jsdom */
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import type { Metrics } from "../api/reports";
import { formatDuration } from "./format";
import { KPIS, KpiCard } from "./ReportsDashboard";

const duration = (median: number | null) => ({
  count: 1,
  avg_seconds: median,
  median_seconds: median,
  p90_seconds: median,
  business: { avg_seconds: median, median_seconds: median, p90_seconds: median },
});
const metrics = (created: number): Metrics => ({
  created,
  solved: 3,
  reopened: 0,
  backlog: 9,
  first_response: duration(5400),
  resolution: duration(null),
  replies_per_solved: 1.5,
  sla: {
    first_response: { met: 3, breached: 1, rate: 0.75 },
    next_response: { met: 0, breached: 0, rate: null },
    resolution: { met: 0, breached: 0, rate: null },
  },
  csat: { sent: 2, rated: 1, good: 1, score: 1, average: 5, response_rate: 0.5 },
  ai_triage: { applied: 4, changed: 1, acceptance_rate: 0.75 },
});

describe("KpiCard", () => {
  it("shows the number, the change against the previous period, and drills down on click", async () => {
    const onDrill = vi.fn();
    const created = KPIS.find((k) => k.label === "Created");
    if (!created) throw new Error("no Created KPI");
    render(<KpiCard kpi={created} now={metrics(12)} before={metrics(8)} onDrill={onDrill} />);
    expect(screen.getByRole("button", { name: "12" })).toBeInTheDocument();
    expect(screen.getByText("+50% vs previous period")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "12" }));
    expect(onDrill).toHaveBeenCalledWith("created");
  });
  it("formats rates and durations", () => {
    const sla = KPIS.find((k) => k.label === "SLA first response met");
    expect(sla?.show(metrics(1))).toBe("75.0%");
    expect(formatDuration(5400)).toBe("1.5 h");
    expect(formatDuration(null)).toBe("–");
  });
});
