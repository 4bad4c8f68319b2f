// One ticket in the workspace: detail, field changes, replies and internal notes, pickers' data.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "@/api/client";
import { ticketQueryKey, type AgentTicketDetail } from "@/lib/ticket";

export type TicketChanges = Schemas["TicketUpdateIn"];

export function useAgentTicket(ticketId: number) {
  return useQuery({
    queryKey: ticketQueryKey(ticketId),
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/tickets/{ticket_id}", { params: { path: { ticket_id: ticketId } } }),
      ) as AgentTicketDetail,
  });
}

export function useUpdateTicket(ticketId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (changes: TicketChanges) =>
      unwrap(
        await api.PATCH("/api/v1/tickets/{ticket_id}", {
          params: { path: { ticket_id: ticketId } },
          body: changes,
        }),
      ) as AgentTicketDetail,
    onSuccess: (ticket) => {
      queryClient.setQueryData(ticketQueryKey(ticketId), ticket);
      // A changed category or priority is feedback on the AI's prediction (see the triage feature).
      void queryClient.invalidateQueries({ queryKey: [...ticketQueryKey(ticketId), "ai"] });
      void queryClient.invalidateQueries({ queryKey: ["inbox"] });
    },
  });
}

export function useAddMessage(ticketId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { body_text: string; internal: boolean; article_ids?: number[]; attachment_ids?: number[] }) =>
      unwrap(
        await api.POST("/api/v1/tickets/{ticket_id}/messages", {
          params: { path: { ticket_id: ticketId } },
          body: input,
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ticketQueryKey(ticketId) });
      void queryClient.invalidateQueries({ queryKey: ["inbox"] });
    },
  });
}

export function useStatuses() {
  return useQuery({
    queryKey: ["workspace-statuses"],
    queryFn: async () => unwrap(await api.GET("/api/v1/statuses")),
    staleTime: 5 * 60_000,
  });
}

/** Staff who can be assigned a ticket. */
export function useAssignableStaff() {
  return useQuery({
    queryKey: ["workspace-assignable"],
    queryFn: async () => unwrap(await api.GET("/api/v1/members")).filter((m) => m.role !== "customer"),
    staleTime: 5 * 60_000,
  });
}
