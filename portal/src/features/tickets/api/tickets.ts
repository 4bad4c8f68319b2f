// The customer's tickets: list (keyset pages), one conversation, new tickets, replies, solve/reopen.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type Schemas, type StatusCategory } from "@/api/client";

export type CustomerTicket = Schemas["CustomerTicketOut"];
export type CustomerTicketDetail = Schemas["CustomerTicketDetailOut"];
export type Message = Schemas["MessageOut"];

export type TicketFilter = "open" | "solved" | "all";

// Status categories behind each filter tab of "My tickets".
export const FILTER_CATEGORIES: Record<TicketFilter, StatusCategory[]> = {
  open: ["new", "open", "pending", "on_hold"],
  solved: ["solved", "closed"],
  all: [],
};

const PAGE_SIZE = 20;

export function useMyTickets(filter: TicketFilter) {
  return useInfiniteQuery({
    queryKey: ["tickets", "mine", filter],
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/api/v1/tickets", {
          params: {
            query: { status_category: FILTER_CATEGORIES[filter], cursor: pageParam, limit: PAGE_SIZE },
          },
        }),
      ),
    getNextPageParam: (page) => page.next_cursor,
  });
}

/** The customer shape of a ticket detail (core answers the customer shape to customers). */
export function useTicket(ticketId: number) {
  return useQuery({
    queryKey: ["tickets", "detail", ticketId],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/tickets/{ticket_id}", { params: { path: { ticket_id: ticketId } } }),
      ) as CustomerTicketDetail,
  });
}

export function useCreateTicket() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { subject: string; body_html: string; custom_fields?: Record<string, unknown> }) =>
      // The schema lists defaulted fields as required; send core's defaults explicitly.
      unwrap(await api.POST("/api/v1/tickets", { body: { ...input, priority: "normal", type: "question", category: "" } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["tickets", "mine"] }),
  });
}

export type ReplyInput = { body_text?: string; attachment_ids?: number[] };

export async function postReply(ticketId: number, input: ReplyInput) {
  return unwrap(
    await api.POST("/api/v1/tickets/{ticket_id}/messages", {
      params: { path: { ticket_id: ticketId } },
      body: { ...input, body_text: input.body_text || null, internal: false },
    }),
  );
}

export function useReply(ticketId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ReplyInput) => postReply(ticketId, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["tickets"] }),
  });
}

/** Customers may mark their ticket solved, or reopen it. */
export function useSetStatus(ticketId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (status: "solved" | "open") =>
      unwrap(
        await api.PATCH("/api/v1/tickets/{ticket_id}", {
          params: { path: { ticket_id: ticketId } },
          body: { status },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["tickets"] }),
  });
}
