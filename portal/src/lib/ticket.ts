// What several features know about one ticket in the workspace: its type, the priorities, the
// query keys of its detail and history, and the mutation that refreshes them after a change.
import { useMutation, useQueryClient } from "@tanstack/react-query";

import type { Schemas } from "@/api/client";

export type AgentTicketDetail = Schemas["TicketDetailOut"];

export const PRIORITIES = ["low", "normal", "high", "urgent"] as const;

export function ticketQueryKey(ticketId: number) {
  return ["workspace-ticket", ticketId] as const;
}

export function ticketHistoryKey(ticketId: number) {
  return ["workspace-history", ticketId] as const;
}

/** A change to the ticket (macro, link, merge): its detail, its history and the inbox refetch. */
export function useTicketMutation<Input>(ticketId: number, run: (input: Input) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ticketQueryKey(ticketId) });
      void queryClient.invalidateQueries({ queryKey: ticketHistoryKey(ticketId) });
      void queryClient.invalidateQueries({ queryKey: ["inbox"] });
    },
  });
}
