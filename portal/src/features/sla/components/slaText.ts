// Words for SLA clocks: remaining time and state, as an agent reads them at a glance.

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

/** "1 h 05 min left", "25 min overdue", "2 d 3 h left" from signed minutes remaining. */
export function remainingText(minutes: number): string {
  const overdue = minutes < 0;
  let left = Math.round(Math.abs(minutes));
  const days = Math.floor(left / 1440);
  left -= days * 1440;
  const hours = Math.floor(left / 60);
  const mins = left - hours * 60;
  const text =
    days > 0 ? `${days} d ${hours} h` : hours > 0 ? `${hours} h ${String(mins).padStart(2, "0")} min` : `${mins} min`;
  return overdue ? `${text} overdue` : `${text} left`;
}
