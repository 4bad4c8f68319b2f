// A ticket's satisfaction rating: the requester rates in the portal, staff read it.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "@/api/client";

export type Survey = Schemas["SurveyOut"];

export function csatQueryKey(ticketId: number) {
  return ["csat", ticketId] as const;
}

/** The survey, or null when the ticket has none (yet: it is requested just after solving). */
export function useTicketCsat(ticketId: number, enabled = true) {
  return useQuery({
    queryKey: csatQueryKey(ticketId),
    enabled,
    queryFn: async (): Promise<Survey | null> => {
      const result = await api.GET("/api/v1/tickets/{ticket_id}/csat", { params: { path: { ticket_id: ticketId } } });
      // 204: the ticket has no rating request (yet).
      return result.response.status === 204 ? null : (unwrap(result) ?? null);
    },
    // Core creates the survey just after the ticket is solved (no event says so): look again,
    // every 2 s at first, then every 15 s for a few minutes, then leave it to the next visit.
    refetchInterval: (query) => {
      if (query.state.data !== null) return false;
      const tries = query.state.dataUpdateCount;
      return tries < 15 ? 2000 : tries < 30 ? 15_000 : false;
    },
  });
}

export function useRate(ticketId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { rating: string | number; comment: string }) =>
      unwrap(
        await api.POST("/api/v1/tickets/{ticket_id}/csat", { params: { path: { ticket_id: ticketId } }, body: input }),
      ),
    onSuccess: (survey) => queryClient.setQueryData(csatQueryKey(ticketId), survey),
  });
}

/** A rating in words, on either scale. */
export function ratingLabel(survey: Pick<Survey, "scale" | "rating">): string {
  if (survey.rating === null) return "Not rated yet";
  if (survey.scale === "good_bad") return survey.rating >= 3 ? "Good" : "Bad";
  return `${survey.rating} out of 5`;
}
