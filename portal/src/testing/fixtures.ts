// Answers shaped like core's, for component tests (typed by the generated API schema).
import type { Schemas } from "@/api/client";

export function agentTicket(overrides: Partial<Schemas["TicketDetailOut"]> = {}): Schemas["TicketDetailOut"] {
  return {
    id: 7,
    number: 1041,
    display_number: "#1041",
    subject: "Printer on fire",
    status: "open",
    status_category: "open",
    priority: "normal",
    type: "question",
    channel: "portal",
    requester: { id: 3, name: "Carl Customer", email: "carl@example.test" },
    custom_fields: {},
    created_at: "2026-11-26T09:00:00Z",
    updated_at: "2026-11-26T09:30:00Z",
    solved_at: null,
    closed_at: null,
    merged_into_id: null,
    category: "",
    assignee: null,
    team_id: null,
    tags: [],
    due_at: null,
    first_response_at: null,
    ai: {
      category: "",
      category_confidence: null,
      priority: "",
      priority_confidence: null,
      sentiment: "",
      sentiment_confidence: null,
      language: "",
      language_confidence: null,
      model_version: "",
    },
    messages: [],
    follower_ids: [],
    links: [],
    ...overrides,
  };
}

/** A ticket as lists and search answer it (no messages, followers or links). */
export function listedTicket(id: number, number: number, subject: string): Schemas["TicketOut"] {
  const ticket: Partial<Schemas["TicketDetailOut"]> = agentTicket({ id, number, display_number: `#${number}`, subject });
  delete ticket.messages;
  delete ticket.follower_ids;
  delete ticket.links;
  return ticket as Schemas["TicketOut"];
}
