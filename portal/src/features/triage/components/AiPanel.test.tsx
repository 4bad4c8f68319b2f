// @vitest-environment jsdom
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";

import { agentTicket } from "@/testing/fixtures";
import { calls, renderWithCore, serve } from "@/testing/fakeCore";

import { AiPanel } from "./AiPanel";

const prediction = (field: string, label: string, extra = {}) => ({
  field,
  label,
  confidence: 0.82,
  model_version: "3",
  applied: false,
  outcome: "pending",
  final_value: "",
  decided_by_id: null,
  decided_at: null,
  ...extra,
});

const aiAnswer = {
  triaged: true,
  category: { enabled: true, reason: "", prediction: prediction("category", "billing") },
  priority: prediction("priority", "high", { applied: true }),
  sentiment: "negative",
  sentiment_confidence: 0.9,
  language: "en",
  language_confidence: 0.99,
};

const feedbackCalls = () => calls.filter((c) => c.method === "POST" && c.path.includes("/ai/"));

describe("AiPanel", () => {
  beforeEach(() => {
    serve({
      "GET /api/v1/tickets/7/ai": { body: aiAnswer },
      "POST /api/v1/tickets/7/ai/category/accept": { body: prediction("category", "billing", { outcome: "accepted", final_value: "billing" }) },
      "POST /api/v1/tickets/7/ai/priority/correct": (call) => ({
        body: prediction("priority", "high", { outcome: "corrected", final_value: (call.body as { value: string }).value }),
      }),
      "POST /api/v1/tickets/7/ai/priority/reject": { body: prediction("priority", "high", { outcome: "rejected" }) },
      "GET /api/v1/search": { body: { items: [], fuzzy: false } },
      "GET /api/v1/kb/suggest": { body: [] },
    });
  });

  it("shows predictions with confidence and what became of them", async () => {
    renderWithCore(<AiPanel ticket={agentTicket({ priority: "high" })} />);
    const category = (await screen.findByTestId("ai-category-outcome")).closest(".prediction") as HTMLElement;
    expect(category).toHaveTextContent("billing (82%)");
    expect(screen.getByTestId("ai-category-outcome")).toHaveTextContent("not reviewed");
    expect(screen.getByTestId("ai-priority-outcome")).toHaveTextContent("applied by the AI, not reviewed");
    expect(screen.getByText("negative (90%)")).toBeInTheDocument();
    expect(within(category).getByText("On the ticket: none")).toBeInTheDocument();
  });

  it("accepts through the accept endpoint, not a ticket update", async () => {
    const user = userEvent.setup();
    renderWithCore(<AiPanel ticket={agentTicket()} />);
    await user.click(await screen.findByRole("button", { name: "Accept category billing" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Recorded: category accepted.");
    expect(feedbackCalls().map((c) => c.path)).toEqual(["/api/v1/tickets/7/ai/category/accept"]);
    expect(calls.some((c) => c.method === "PATCH")).toBe(false);
  });

  it("corrects the priority with the chosen value through the correct endpoint", async () => {
    const user = userEvent.setup();
    renderWithCore(<AiPanel ticket={agentTicket({ priority: "high" })} />);
    const form = await screen.findByRole("form", { name: "Correct the priority" });
    expect(within(form).getByRole("button", { name: "Correct" })).toBeDisabled();
    await user.selectOptions(within(form).getByLabelText("Correct priority"), "low");
    await user.click(within(form).getByRole("button", { name: "Correct" }));
    await waitFor(() => expect(feedbackCalls()).toHaveLength(1));
    expect(feedbackCalls()[0]).toMatchObject({ path: "/api/v1/tickets/7/ai/priority/correct", body: { value: "low" } });
    expect(await screen.findByRole("status")).toHaveTextContent("Recorded: priority corrected to low.");
  });

  it("rejects, and shows core's answer when there is no prediction to judge", async () => {
    serve({
      "GET /api/v1/tickets/7/ai": { body: aiAnswer },
      "POST /api/v1/tickets/7/ai/priority/reject": { status: 404, body: { detail: "The AI made no prediction for this field of this ticket." } },
      "GET /api/v1/search": { body: { items: [], fuzzy: false } },
      "GET /api/v1/kb/suggest": { body: [] },
    });
    const user = userEvent.setup();
    renderWithCore(<AiPanel ticket={agentTicket()} />);
    await user.click(await screen.findByRole("button", { name: "Reject priority high" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The AI made no prediction");
  });

  it("says why there is no category prediction, and shows a load error with a retry", async () => {
    serve({
      "GET /api/v1/tickets/7/ai": {
        body: { ...aiAnswer, category: { enabled: false, reason: "Category prediction is off until this tenant has a trained category model.", prediction: null } },
      },
      "GET /api/v1/search": { body: { items: [], fuzzy: false } },
      "GET /api/v1/kb/suggest": { body: [] },
    });
    const { unmount } = renderWithCore(<AiPanel ticket={agentTicket()} />);
    expect(await screen.findByText(/Category prediction is off/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Accept category/ })).toBeNull();
    unmount();
    serve({
      "GET /api/v1/tickets/7/ai": { status: 500, body: {} },
      "GET /api/v1/search": { body: { items: [], fuzzy: false } },
      "GET /api/v1/kb/suggest": { body: [] },
    });
    renderWithCore(<AiPanel ticket={agentTicket()} />);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The server had a problem");
    expect(within(alert).getByRole("button", { name: "Try again" })).toBeInTheDocument();
  });
});
