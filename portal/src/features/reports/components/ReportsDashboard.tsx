// The reports dashboard of the agent workspace: numbers with period comparison, charts,
// drill-down to the tickets behind a number, CSV download and background export.
import { useState } from "react";
import { Link } from "react-router";
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import { EmptyState } from "@/components/EmptyState";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";

import {
  change,
  csvUrl,
  exportParams,
  lastDays,
  previousRange,
  useDrilldown,
  useExportJob,
  useReport,
  useStartExport,
  type DrillMetric,
  type Filters,
  type Group,
  type Metrics,
  type ReportQuery,
} from "../api/reports";
import { formatChange, formatDuration, formatRate } from "./format";

const RANGES = [7, 30, 90, 365] as const;

interface Kpi {
  label: string;
  value: (m: Metrics) => number | null;
  show: (m: Metrics) => string;
  drill?: DrillMetric;
}

export const KPIS: Kpi[] = [
  { label: "Created", value: (m) => m.created, show: (m) => String(m.created), drill: "created" },
  { label: "Solved", value: (m) => m.solved, show: (m) => String(m.solved), drill: "solved" },
  { label: "Reopened", value: (m) => m.reopened, show: (m) => String(m.reopened) },
  { label: "Backlog", value: (m) => m.backlog, show: (m) => String(m.backlog), drill: "backlog" },
  {
    label: "First response (median, business)",
    value: (m) => m.first_response.business.median_seconds,
    show: (m) => formatDuration(m.first_response.business.median_seconds),
    drill: "first_response",
  },
  {
    label: "Resolution (median)",
    value: (m) => m.resolution.median_seconds,
    show: (m) => formatDuration(m.resolution.median_seconds),
  },
  { label: "Replies per solved", value: (m) => m.replies_per_solved, show: (m) => String(m.replies_per_solved ?? "–") },
  { label: "SLA first response met", value: (m) => m.sla.first_response.rate, show: (m) => formatRate(m.sla.first_response.rate) },
  { label: "SLA resolution met", value: (m) => m.sla.resolution.rate, show: (m) => formatRate(m.sla.resolution.rate) },
  { label: "CSAT", value: (m) => m.csat.score, show: (m) => formatRate(m.csat.score) },
  { label: "CSAT response rate", value: (m) => m.csat.response_rate, show: (m) => formatRate(m.csat.response_rate) },
  { label: "AI triage accepted", value: (m) => m.ai_triage.acceptance_rate, show: (m) => formatRate(m.ai_triage.acceptance_rate) },
  {
    label: "Deflection",
    value: (m) => m.deflection?.rate ?? null,
    show: (m) => (m.deflection ? formatRate(m.deflection.rate) : "–"),
  },
];

export function KpiCard({
  kpi,
  now,
  before,
  onDrill,
}: {
  kpi: Kpi;
  now: Metrics;
  before?: Metrics;
  onDrill?: (metric: DrillMetric) => void;
}) {
  const delta = before ? change(kpi.value(now), kpi.value(before)) : null;
  const drill = kpi.drill;
  return (
    <div className="kpi" data-testid={`kpi-${kpi.label}`}>
      <div className="kpi__label">{kpi.label}</div>
      {drill && onDrill ? (
        <button type="button" className="kpi__value kpi__value--link" onClick={() => onDrill(drill)}>
          {kpi.show(now)}
        </button>
      ) : (
        <div className="kpi__value">{kpi.show(now)}</div>
      )}
      <div className="kpi__change">{formatChange(delta)}</div>
    </div>
  );
}

function DrillDown({ query, metric, onClose }: { query: ReportQuery; metric: DrillMetric; onClose: () => void }) {
  const tickets = useDrilldown(query, metric);
  return (
    <section aria-label="Tickets behind the number" className="card">
      <h2>
        Tickets: {metric.replace("_", " ")} <button type="button" onClick={onClose}>Close</button>
      </h2>
      {tickets.isPending ? <Loading /> : null}
      {tickets.isError ? <ErrorMessage error={tickets.error} /> : null}
      <ul>
        {(tickets.data ?? []).map((t) => (
          <li key={t.id}>
            <Link to={`/agent/tickets/${t.id}`}>
              #{t.number} {t.subject}
            </Link>{" "}
            <span className="muted">
              {t.status} · {t.priority}
            </span>
          </li>
        ))}
      </ul>
      {tickets.data?.length === 0 ? <p className="muted">No tickets.</p> : null}
    </section>
  );
}

function ExportButton({ query }: { query: ReportQuery }) {
  const start = useStartExport();
  const job = useExportJob(start.data?.id ?? null);
  const status = job.data ?? start.data;
  return (
    <div className="export">
      <a href={csvUrl(query)}>Download report CSV</a>{" "}
      <button type="button" disabled={start.isPending} onClick={() => start.mutate(exportParams(query))}>
        Export tickets (CSV)
      </button>
      {start.isError ? <ErrorMessage error={start.error} /> : null}
      {status ? (
        <span className="export__status">
          {" "}
          <progress max={100} value={status.progress} aria-label="Export progress" /> {status.progress}%
          {status.download_url ? (
            <>
              {" "}
              <a href={status.download_url}>Download tickets CSV</a>
            </>
          ) : null}
          {status.status === "failed" ? ` Failed: ${status.error}` : null}
        </span>
      ) : null}
    </div>
  );
}

export interface Option {
  value: string;
  label: string;
}

function FilterBar({
  filters,
  onChange,
  teams,
  agents,
}: {
  filters: Filters;
  onChange: (f: Filters) => void;
  teams: Option[];
  agents: Option[];
}) {
  const set = (key: keyof Filters) => (e: { target: { value: string } }) => onChange({ ...filters, [key]: e.target.value });
  return (
    <div className="filters">
      <label>
        Team{" "}
        <select value={filters.team ?? ""} onChange={set("team")}>
          <option value="">All</option>
          {teams.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Agent{" "}
        <select value={filters.assignee ?? ""} onChange={set("assignee")}>
          <option value="">All</option>
          {agents.map((a) => (
            <option key={a.value} value={a.value}>
              {a.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Channel{" "}
        <select value={filters.channel ?? ""} onChange={set("channel")}>
          <option value="">All</option>
          {["email", "portal", "api", "agent"].map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </label>
      <label>
        Priority{" "}
        <select value={filters.priority ?? ""} onChange={set("priority")}>
          <option value="">All</option>
          {["low", "normal", "high", "urgent"].map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </label>
      <label>
        Category <input value={filters.category ?? ""} onChange={set("category")} size={10} />
      </label>
      <label>
        Tag <input value={filters.tag ?? ""} onChange={set("tag")} size={10} />
      </label>
      <label>
        Field <input value={filters.field ?? ""} onChange={set("field")} placeholder="key=value" size={12} />
      </label>
    </div>
  );
}

/** `teams` and `agents` fill the filter menus (the app composes them from the workspace feature). */
export function ReportsDashboard({ teams = [], agents = [] }: { teams?: Option[]; agents?: Option[] }) {
  const [days, setDays] = useState<number>(30);
  const [group, setGroup] = useState<Group>("day");
  const [filters, setFilters] = useState<Filters>({});
  const [drill, setDrill] = useState<DrillMetric | null>(null);
  const range = lastDays(days);
  const query: ReportQuery = { ...range, group, filters };
  const previous: ReportQuery = { ...previousRange(range.start, range.end), group, filters };
  const report = useReport(query);
  const before = useReport(previous);
  const chosen = Object.values(filters).filter(Boolean).length;

  return (
    <main id="main" className="content reports">
      <h1>Reports</h1>
      <div className="filters">
        <label>
          Period{" "}
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {RANGES.map((d) => (
              <option key={d} value={d}>
                Last {d} days
              </option>
            ))}
          </select>
        </label>
        <label>
          By{" "}
          <select value={group} onChange={(e) => setGroup(e.target.value as Group)}>
            <option value="day">day</option>
            <option value="week">week</option>
            <option value="month">month</option>
          </select>
        </label>
      </div>
      <FilterBar filters={filters} onChange={setFilters} teams={teams} agents={agents} />
      {chosen > 2 ? <p role="alert">Reports combine at most two filters.</p> : null}
      {report.isPending ? <Loading /> : null}
      {report.isError ? <ErrorMessage error={report.error} onRetry={() => void report.refetch()} /> : null}
      {report.data ? (
        <>
          <p className="muted">
            {report.data.start} – {report.data.end} ({report.data.time_zone}), compared with {previous.start} – {previous.end}
          </p>
          {report.data.totals.created === 0 && report.data.totals.solved === 0 ? (
            <EmptyState title="No tickets in this range">
              <p>The numbers and charts fill in as tickets are created, answered, solved and rated. Try a longer range.</p>
            </EmptyState>
          ) : null}
          <div className="kpis">
            {KPIS.map((kpi) => (
              <KpiCard key={kpi.label} kpi={kpi} now={report.data.totals} before={before.data?.totals} onDrill={setDrill} />
            ))}
          </div>
          {drill ? <DrillDown query={query} metric={drill} onClose={() => setDrill(null)} /> : null}
          <ExportButton query={query} />
          <h2>Tickets</h2>
          <ResponsiveContainer width="100%" height={260}>
            <LineChart data={report.data.periods}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="period" />
              <YAxis />
              <Tooltip />
              <Legend />
              <Line type="monotone" dataKey="created" stroke="#2563eb" isAnimationActive={false} />
              <Line type="monotone" dataKey="solved" stroke="#16a34a" isAnimationActive={false} />
              <Line type="monotone" dataKey="backlog" stroke="#dc2626" isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
          <h2>First response, median (hours)</h2>
          <ResponsiveContainer width="100%" height={220}>
            <BarChart
              data={report.data.periods.map((p) => ({
                period: p.period,
                calendar: (p.first_response.median_seconds ?? 0) / 3600,
                business: (p.first_response.business.median_seconds ?? 0) / 3600,
              }))}
            >
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="period" />
              <YAxis />
              <Tooltip />
              <Legend />
              <Bar dataKey="calendar" fill="#6366f1" isAnimationActive={false} />
              <Bar dataKey="business" fill="#f59e0b" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </>
      ) : null}
    </main>
  );
}
