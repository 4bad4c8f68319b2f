// A ticket's SLA clocks: time left or overdue per metric, under the policy that applies.
import { useQuery } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "@/api/client";

export type SlaClock = Schemas["ClockOut"];

export function useSla(ticketId: number) {
  return useQuery({
    queryKey: ["workspace-sla", ticketId],
    queryFn: async () => unwrap(await api.GET("/api/v1/tickets/{ticket_id}/sla", { params: { path: { ticket_id: ticketId } } })),
    refetchInterval: 60_000, // the time left changes by itself
  });
}
