// @vitest-environment jsdom
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { agentTicket, listedTicket } from "@/testing/fixtures";
import { calls, renderWithCore, serve } from "@/testing/fakeCore";

import { typedNumber } from "../api/related";
import { LinksPanel, mergedIntoNumber } from "./RelatedPanels";

const other = listedTicket(12, 1042, "Toner smells");

describe("typedNumber", () => {
  it("reads #1042, 1042 and '# 1042' as numbers and words as a search", () => {
    expect(typedNumber("#1042")).toBe(1042);
    expect(typedNumber(" 1042 ")).toBe(1042);
    expect(typedNumber("# 1042")).toBe(1042);
    expect(typedNumber("printer 1042")).toBeNull();
    expect(typedNumber("#")).toBeNull();
  });
});

describe("LinksPanel", () => {
  beforeEach(() => {
    serve({
      "GET /api/v1/tickets": (call) =>
        call.query.getAll("number").includes("1042") ? { body: { items: [other], next_cursor: null } } : { body: { items: [], next_cursor: null } },
      "GET /api/v1/search": { body: { items: [{ ticket: other, rank: 1, subject_html: "Toner smells", snippet_html: "" }], fuzzy: false } },
      "POST /api/v1/tickets/7/links": { status: 201, body: { id: 1, kind: "related", source_id: 7, source_number: 1041, target_id: 12, target_number: 1042 } },
      "POST /api/v1/tickets/7/merge": { body: agentTicket({ id: 12, number: 1042 }) },
    });
  });
  afterEach(() => vi.restoreAllMocks());

  it("links the ticket an agent names by number, sending its id", async () => {
    const user = userEvent.setup();
    renderWithCore(<LinksPanel ticket={agentTicket()} />);
    const box = screen.getByRole("combobox", { name: "Other ticket" });
    expect(screen.getByRole("button", { name: "Link" })).toBeDisabled();
    await user.type(box, "#1042");
    const option = await screen.findByRole("option", { name: /#1042 Toner smells/ });
    expect(option).toHaveAttribute("aria-selected", "true");
    expect(box).toHaveAttribute("aria-activedescendant", option.id);
    await user.keyboard("{Enter}");
    expect(screen.getByRole("group", { name: "Other ticket" })).toHaveTextContent("#1042 Toner smells");
    await user.selectOptions(screen.getByLabelText("Link kind"), "duplicate_of");
    await user.click(screen.getByRole("button", { name: "Link" }));
    await waitFor(() => expect(calls.some((c) => c.method === "POST" && c.path.endsWith("/links"))).toBe(true));
    const posted = calls.find((c) => c.method === "POST" && c.path.endsWith("/links"))!;
    expect(posted.body).toEqual({ target_id: 12, kind: "duplicate_of" });
  });

  it("says so when no other ticket has the number", async () => {
    const user = userEvent.setup();
    renderWithCore(<LinksPanel ticket={agentTicket()} />);
    await user.type(screen.getByRole("combobox", { name: "Other ticket" }), "999");
    expect(await screen.findByText("No other ticket is numbered #999.")).toBeInTheDocument();
  });

  it("finds by words and merges into the pick after confirming, by id", async () => {
    const user = userEvent.setup();
    const confirm = vi.spyOn(window, "confirm").mockReturnValue(true);
    renderWithCore(<LinksPanel ticket={agentTicket()} />, { path: "/agent/tickets/7", pattern: "/agent/tickets/7" });
    await user.type(screen.getByRole("combobox", { name: "Other ticket" }), "toner");
    await user.click(await screen.findByRole("option", { name: /#1042/ }));
    await user.click(screen.getByRole("button", { name: "Merge into" }));
    expect(confirm.mock.calls[0]![0]).toContain("Merge #1041 into #1042 (Toner smells)?");
    await waitFor(() => expect(calls.find((c) => c.path === "/api/v1/tickets/7/merge")?.body).toEqual({ target_id: 12 }));
    expect(await screen.findByText("Elsewhere")).toBeInTheDocument(); // went to the target
  });

  it("shows links and the merge target by number, with links to them", () => {
    const ticket = agentTicket({
      merged_into_id: 12,
      status_category: "closed",
      links: [
        { id: 1, kind: "duplicate_of", source_id: 7, source_number: 1041, target_id: 12, target_number: 1042 },
        { id: 2, kind: "parent_of", source_id: 30, source_number: 1000, target_id: 7, target_number: 1041 },
      ],
    });
    expect(mergedIntoNumber(ticket)).toBe(1042);
    renderWithCore(<LinksPanel ticket={ticket} />);
    expect(within(screen.getByTestId("merged-into")).getByRole("link", { name: "#1042" })).toHaveAttribute("href", "/agent/tickets/12");
    const links = screen.getByRole("list", { name: "Links" });
    expect(links).toHaveTextContent("Duplicate of #1042");
    expect(links).toHaveTextContent("Child of #1000");
    expect(within(links).getByRole("link", { name: "#1000" })).toHaveAttribute("href", "/agent/tickets/30");
    expect(screen.getByRole("button", { name: "Merge into" })).toBeDisabled();
  });
});
