// A ticket's AI predictions and the explicit feedback on them: accept, correct or reject
// (POST /tickets/{id}/ai/{field}/accept|correct|reject), so each decision is recorded as one.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "@/api/client";
import { ticketHistoryKey, ticketQueryKey } from "@/lib/ticket";

export type TicketAi = Schemas["TicketAIOut"];
export type Prediction = Schemas["PredictionOut"];
export type AiField = "category" | "priority";
export type AiFeedback =
  | { field: AiField; action: "accept" | "reject" }
  | { field: AiField; action: "correct"; value: string };

// Under the ticket's own key: live ticket events (triage arriving, a colleague's change) refresh it too.
const aiKey = (ticketId: number) => [...ticketQueryKey(ticketId), "ai"] as const;

export function useTicketAi(ticketId: number) {
  return useQuery({
    queryKey: aiKey(ticketId),
    queryFn: async () => unwrap(await api.GET("/api/v1/tickets/{ticket_id}/ai", { params: { path: { ticket_id: ticketId } } })),
  });
}

export function useAiFeedback(ticketId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (feedback: AiFeedback) => {
      const path = { params: { path: { ticket_id: ticketId, field: feedback.field } } };
      if (feedback.action === "correct") {
        return unwrap(await api.POST("/api/v1/tickets/{ticket_id}/ai/{field}/correct", { ...path, body: { value: feedback.value } }));
      }
      if (feedback.action === "accept") return unwrap(await api.POST("/api/v1/tickets/{ticket_id}/ai/{field}/accept", path));
      return unwrap(await api.POST("/api/v1/tickets/{ticket_id}/ai/{field}/reject", path));
    },
    onSuccess: () => {
      // The decision may change the ticket's own field, and shows in its history.
      void queryClient.invalidateQueries({ queryKey: ticketQueryKey(ticketId) }); // and its "ai" key
      void queryClient.invalidateQueries({ queryKey: ticketHistoryKey(ticketId) });
      void queryClient.invalidateQueries({ queryKey: ["inbox"] });
    },
  });
}

/** What became of a prediction, in words. */
export function outcomeText(p: Prediction): string {
  switch (p.outcome) {
    case "accepted":
      return "accepted";
    case "corrected":
      return `corrected to ${p.final_value || "none"}`;
    case "rejected":
      return "rejected";
    default:
      return p.applied ? "applied by the AI, not reviewed" : "not reviewed";
  }
}

/** A confidence 0..1 as a whole percentage, or "—" when the model gave none. */
export function confidenceText(value: number | null | undefined): string {
  return typeof value === "number" && Number.isFinite(value) ? `${Math.round(value * 100)}%` : "—";
}
