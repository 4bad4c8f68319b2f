// The reports dashboard with the workspace's teams and agents in its filter menus.
import { ReportsDashboard } from "@/features/reports/components/ReportsDashboard";
import { useMembers, useTeams } from "@/features/workspace/api/people";

export function ReportsRoute() {
  const teams = useTeams();
  const members = useMembers();
  return (
    <ReportsDashboard
      teams={(teams.data ?? []).map((t) => ({ value: String(t.id), label: t.name }))}
      agents={(members.data ?? [])
        .filter((m) => m.role !== "customer")
        .map((m) => ({ value: String(m.id), label: m.full_name || m.email }))}
    />
  );
}
