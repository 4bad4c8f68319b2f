// Small display helpers shared by the portal and the workspace, in the active language.
import { i18n } from "@/lib/i18n";

/** A status category in words a customer understands. */
export function statusLabel(category: string): string {
  return i18n.t(`status.${category}`, { defaultValue: category.replace(/_/g, " ") });
}

export function formatDateTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const sameDay = date.toDateString() === now.toDateString();
  return sameDay
    ? date.toLocaleTimeString(i18n.language, { hour: "2-digit", minute: "2-digit" })
    : date.toLocaleDateString(i18n.language, { year: "numeric", month: "short", day: "numeric" });
}

/** A file size in the unit people read: 512 B, 2.4 KB, 25 MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
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
    days > 0
      ? `${i18n.t("time.days", { count: days })} ${hours} h`
      : hours > 0
        ? `${hours} h ${String(mins).padStart(2, "0")} min`
        : `${mins} min`;
  return i18n.t(overdue ? "time.overdue" : "time.left", { duration: text });
}
