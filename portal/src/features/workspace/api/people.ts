// The tenant's people and teams, as agents see them in the workspace.
import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "@/api/client";

export type Member = Schemas["MemberOut"];
export type Team = Schemas["TeamOut"];

export const membersQueryOptions = queryOptions({
  queryKey: ["workspace", "members"],
  queryFn: async (): Promise<Member[]> => unwrap(await api.GET("/api/v1/members")),
});

export const teamsQueryOptions = queryOptions({
  queryKey: ["workspace", "teams"],
  queryFn: async (): Promise<Team[]> => unwrap(await api.GET("/api/v1/teams")),
});

export function useMembers() {
  return useQuery(membersQueryOptions);
}

export function useTeams() {
  return useQuery(teamsQueryOptions);
}

/** Teams with their members' names, for the team overview. */
export function teamRoster(teams: Team[], members: Member[]): { team: Team; people: Member[] }[] {
  const byId = new Map(members.map((m) => [m.id, m]));
  return teams.map((team) => ({
    team,
    people: team.member_ids.flatMap((id) => {
      const member = byId.get(id);
      return member ? [member] : [];
    }),
  }));
}
