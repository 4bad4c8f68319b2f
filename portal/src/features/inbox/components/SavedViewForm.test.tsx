// @vitest-environment jsdom
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { calls, renderWithCore, serve } from "@/testing/fakeCore";

import { SavedViewForm } from "./SavedViewForm";

const vip = { id: 4, name: "VIP", filters: { priority: ["urgent"], channel: ["email"], team: "9" }, position: 0, created_at: "2026-11-26T10:00:00Z" };

describe("SavedViewForm", () => {
  beforeEach(() => {
    serve({
      "GET /api/v1/members": { body: [{ id: 21, full_name: "Alice Agent", email: "alice@acme.test", role: "agent" }] },
      "GET /api/v1/teams": { body: [{ id: 9, name: "Billing", members: [] }] },
      "POST /api/v1/saved-views": (call) => ({ status: 201, body: { ...vip, id: 5, ...(call.body as object) } }),
      "PATCH /api/v1/saved-views/4": (call) => ({ body: { ...vip, ...(call.body as object) } }),
    });
  });

  it("creates a view from the filters chosen and opens it", async () => {
    const user = userEvent.setup();
    renderWithCore(<SavedViewForm onClose={vi.fn()} />, { path: "/agent/inbox/mine", pattern: "/agent/inbox/mine" });
    const form = screen.getByRole("form", { name: "New saved view" });
    expect(screen.getByLabelText("View name")).toHaveFocus();
    await user.type(screen.getByLabelText("View name"), "Urgent billing");
    await user.click(screen.getByLabelText("urgent"));
    await user.selectOptions(await screen.findByLabelText("Assignee"), await screen.findByRole("option", { name: "Alice Agent" }));
    await user.selectOptions(screen.getByLabelText("Team"), await screen.findByRole("option", { name: "Billing" }));
    await user.click(screen.getByRole("button", { name: "Save view" }));
    await waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true));
    expect(calls.find((c) => c.method === "POST")!.body).toMatchObject({
      name: "Urgent billing",
      filters: { status_category: ["new", "open", "pending", "on_hold"], priority: ["urgent"], assignee: "21", team: "9" },
    });
    expect(await screen.findByText("Elsewhere")).toBeInTheDocument();
    expect(form).not.toBeInTheDocument();
  });

  it("renames a view and changes its filters, keeping the ones it has no field for", async () => {
    const user = userEvent.setup();
    const onClose = vi.fn();
    renderWithCore(<SavedViewForm view={vip} onClose={onClose} />);
    expect(screen.getByRole("form", { name: "Edit the view “VIP”" })).toBeInTheDocument();
    expect(screen.getByLabelText("urgent")).toBeChecked();
    expect(screen.getByLabelText("Tickets")).toHaveValue("any");
    await waitFor(() => expect(screen.getByLabelText("Team")).toHaveValue("9"));
    await user.clear(screen.getByLabelText("View name"));
    await user.type(screen.getByLabelText("View name"), "VIP email");
    await user.click(screen.getByLabelText("high"));
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(calls.find((c) => c.method === "PATCH")!.body).toEqual({
      name: "VIP email",
      filters: { channel: ["email"], priority: ["urgent", "high"], team: "9" },
    });
  });

  it("shows core's refusal and stays open", async () => {
    serve({ "PATCH /api/v1/saved-views/4": { status: 422, body: { detail: "Validation failed", errors: { name: ["You already have a view named that."] } } } });
    const user = userEvent.setup();
    const onClose = vi.fn();
    renderWithCore(<SavedViewForm view={vip} onClose={onClose} />);
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("name: You already have a view named that.");
    expect(onClose).not.toHaveBeenCalled();
  });
});
