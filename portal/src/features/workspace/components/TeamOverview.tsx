// The workspace's team page: every team with its people, and the tenant's staff.
import { EmptyState } from "@/components/EmptyState";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";

import { teamRoster, useMembers, useTeams } from "../api/people";

export function TeamOverview() {
  const members = useMembers();
  const teams = useTeams();

  if (members.isPending || teams.isPending) return <Loading label="Loading teams…" />;
  if (members.isError) return <ErrorMessage error={members.error} onRetry={() => void members.refetch()} />;
  if (teams.isError) return <ErrorMessage error={teams.error} onRetry={() => void teams.refetch()} />;

  const roster = teamRoster(teams.data, members.data);
  const staff = members.data.filter((m) => m.role !== "customer");
  return (
    <div className="stack">
      <h1>Teams</h1>
      {roster.length === 0 ? (
        <EmptyState title="No teams yet">
          <p>
            An admin can create teams in <a href="/admin/">the admin</a>.
          </p>
        </EmptyState>
      ) : (
        <ul className="cards" aria-label="Teams">
          {roster.map(({ team, people }) => (
            <li key={team.id} className="card">
              <h2>{team.name}</h2>
              {team.description ? <p>{team.description}</p> : null}
              {people.length === 0 ? (
                <p className="muted">Nobody is on this team yet.</p>
              ) : (
                <ul className="people">
                  {people.map((p) => (
                    <li key={p.id}>{p.full_name || p.email}</li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
      <h2>Staff</h2>
      <table className="table">
        <caption className="visually-hidden">Staff of this workspace</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
          </tr>
        </thead>
        <tbody>
          {staff.map((m) => (
            <tr key={m.id}>
              <td>{m.full_name || "—"}</td>
              <td>{m.email}</td>
              <td>{m.role}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
