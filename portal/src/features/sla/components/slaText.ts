// Words for SLA clocks: metric and state, as an agent reads them at a glance (the time left is
// in lib/format, the inbox shows it too).

export const METRIC_LABELS: Record<string, string> = {
  first_response: "First response",
  next_response: "Next response",
  resolution: "Resolution",
};

const STATE_LABELS: Record<string, string> = {
  ok: "On track",
  warning: "At risk",
  breached: "Breached",
  paused: "Paused",
  achieved: "Met",
  achieved_late: "Met late",
};

export function stateLabel(state: string): string {
  return STATE_LABELS[state] ?? state;
}
