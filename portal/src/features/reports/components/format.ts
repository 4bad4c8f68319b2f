// Display helpers of the dashboard.

/** A duration in the largest sensible unit: "45 s", "12 min", "3.5 h", "2.1 d". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return "–";
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

export function formatRate(rate: number | null): string {
  return rate === null ? "–" : `${(rate * 100).toFixed(1)}%`;
}

export function formatChange(value: number | null): string {
  if (value === null) return "";
  const sign = value > 0 ? "+" : "";
  return `${sign}${(value * 100).toFixed(0)}% vs previous period`;
}
