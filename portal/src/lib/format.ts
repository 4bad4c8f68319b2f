// Small display helpers shared by the portal and the workspace.

const STATUS_LABELS: Record<string, string> = {
  new: "New",
  open: "Open",
  pending: "Awaiting your reply",
  on_hold: "On hold",
  solved: "Solved",
  closed: "Closed",
};

/** A status category in words a customer understands. */
export function statusLabel(category: string): string {
  return STATUS_LABELS[category] ?? category.replace(/_/g, " ");
}

export function formatDateTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const sameDay = date.toDateString() === now.toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })
    : date.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}
