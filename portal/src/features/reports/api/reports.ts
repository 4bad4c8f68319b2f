// Reports API: metric series, drill-down lists and CSV export jobs (core/reports).
import { queryOptions, useMutation, useQuery } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "@/api/client";

export type Filters = Partial<Record<"team" | "assignee" | "channel" | "category" | "priority" | "tag" | "field", string>>;
export type Group = "day" | "week" | "month";
export interface ReportQuery {
  start: string; // yyyy-mm-dd, inclusive
  end: string;
  group: Group;
  filters: Filters;
}

export interface Duration {
  count: number;
  avg_seconds: number | null;
  median_seconds: number | null;
  p90_seconds: number | null;
  business: { avg_seconds: number | null; median_seconds: number | null; p90_seconds: number | null };
}
export interface Metrics {
  created: number;
  solved: number;
  reopened: number;
  backlog: number;
  first_response: Duration;
  resolution: Duration;
  replies_per_solved: number | null;
  sla: Record<"first_response" | "next_response" | "resolution", { met: number; breached: number; rate: number | null }>;
  csat: { sent: number; rated: number; good: number; score: number | null; average: number | null; response_rate: number | null };
  ai_triage: { applied: number; changed: number; acceptance_rate: number | null };
  deflection?: { forms: number; deflected: number; rate: number | null };
}
export interface Report {
  group: Group;
  start: string;
  end: string;
  time_zone: string;
  periods: (Metrics & { period: string })[];
  totals: Metrics;
}
export interface DrillTicket {
  id: number;
  number: number;
  subject: string;
  status: string;
  priority: string;
  created_at: string;
  solved_at: string | null;
}
export type DrillMetric = "created" | "solved" | "first_response" | "backlog";
export type ExportJob = Schemas["ExportOut"];

const DAY_MS = 86_400_000;

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The range of `days` days ending today (UTC calendar days). */
export function lastDays(days: number, today: Date = new Date()): { start: string; end: string } {
  return { start: isoDay(new Date(today.getTime() - (days - 1) * DAY_MS)), end: isoDay(today) };
}

/** The period of the same length just before [start, end], for comparison. */
export function previousRange(start: string, end: string): { start: string; end: string } {
  const s = Date.parse(`${start}T00:00:00Z`);
  const e = Date.parse(`${end}T00:00:00Z`);
  const length = Math.round((e - s) / DAY_MS) + 1;
  return { start: isoDay(new Date(s - length * DAY_MS)), end: isoDay(new Date(s - DAY_MS)) };
}

/** Relative change from `before` to `now` (0.25 = +25%), or null when there is nothing to compare. */
export function change(now: number | null, before: number | null): number | null {
  if (now === null || before === null || before === 0) return null;
  return (now - before) / before;
}

/** Query parameters of a report request: the range, the grouping and the non-empty filters. */
export function reportParams(query: ReportQuery): Record<string, string> {
  const params: Record<string, string> = { start: query.start, end: query.end, group: query.group };
  for (const [key, value] of Object.entries(query.filters)) {
    if (value) params[key] = value;
  }
  return params;
}

export function csvUrl(query: ReportQuery): string {
  return `/api/v1/reports/tickets.csv?${new URLSearchParams(reportParams(query)).toString()}`;
}

export function reportQueryOptions(query: ReportQuery) {
  return queryOptions({
    queryKey: ["reports", "series", reportParams(query)],
    queryFn: async (): Promise<Report> =>
      unwrap(await api.GET("/api/v1/reports/tickets", { params: { query: reportParams(query) } })) as unknown as Report,
  });
}

export function useReport(query: ReportQuery) {
  return useQuery(reportQueryOptions(query));
}

export function useDrilldown(query: ReportQuery, metric: DrillMetric | null) {
  return useQuery({
    queryKey: ["reports", "drilldown", metric, reportParams(query)],
    enabled: metric !== null,
    queryFn: async (): Promise<DrillTicket[]> => {
      const params = { ...reportParams(query), metric: metric ?? "created" };
      const body = unwrap(await api.GET("/api/v1/reports/drilldown", { params: { query: params } })) as unknown as {
        tickets: DrillTicket[];
      };
      return body.tickets;
    },
  });
}

/** Ticket-list filters of the export that match the report's range and filters. */
export function exportParams(query: ReportQuery): Record<string, unknown> {
  const f = query.filters;
  const params: Record<string, unknown> = {
    created_after: `${query.start}T00:00:00Z`,
    created_before: `${isoDay(new Date(Date.parse(`${query.end}T00:00:00Z`) + DAY_MS))}T00:00:00Z`,
  };
  if (f.team) params.team = f.team;
  if (f.assignee) params.assignee = f.assignee;
  if (f.channel) params.channel = [f.channel];
  if (f.priority) params.priority = [f.priority];
  if (f.tag) params.tag = [f.tag];
  if (f.field) params.cf = [f.field.replace("=", ":")];
  return params;
}

export function useStartExport() {
  return useMutation({
    mutationFn: async (params: Record<string, unknown>): Promise<ExportJob> =>
      unwrap(await api.POST("/api/v1/reports/exports", { body: { kind: "tickets", params } })),
  });
}

export function useExportJob(id: number | null) {
  return useQuery({
    queryKey: ["reports", "export", id],
    enabled: id !== null,
    queryFn: async (): Promise<ExportJob> =>
      unwrap(await api.GET("/api/v1/reports/exports/{job_id}", { params: { path: { job_id: id ?? 0 } } })),
    // poll until the worker is done
    refetchInterval: (q) => (q.state.data && ["done", "failed"].includes(q.state.data.status) ? false : 1000),
  });
}
