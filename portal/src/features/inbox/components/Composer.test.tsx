// @vitest-environment jsdom
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";

import { calls, renderWithCore, serve, type Call } from "@/testing/fakeCore";

import { Composer } from "./Composer";

const attachment = (id: number, name: string) => ({
  id,
  filename: name,
  content_type: "text/plain",
  size: 8,
  sha256: "",
  message_id: null,
  created_at: "2026-11-26T10:00:00Z",
  download_url: `/api/v1/attachments/${id}/download`,
});

const posted = () => calls.filter((c) => c.method === "POST" && c.path === "/api/v1/tickets/7/messages");

describe("Composer", () => {
  beforeEach(() => {
    serve({
      "GET /api/v1/macros": { body: [] },
      "POST /api/v1/tickets/7/attachments": (call: Call) => ({ status: 201, body: attachment(55, (call.body as File).name) }),
      "POST /api/v1/tickets/7/messages": { status: 201, body: { id: 1 } },
    });
  });

  it("uploads chosen files, then adds the note with their ids, and clears itself", async () => {
    const user = userEvent.setup();
    renderWithCore(<Composer ticketId={7} />);
    await user.click(screen.getByLabelText("Internal note"));
    await user.upload(screen.getByLabelText("Attachments"), new File(["log line"], "printer.log"));
    expect(screen.getByRole("list", { name: "Files to send" })).toHaveTextContent("printer.log");
    await user.type(screen.getByLabelText("Internal note (agents only)"), "Log attached");
    await user.click(screen.getByRole("button", { name: "Add note" }));
    await waitFor(() => expect(posted()).toHaveLength(1));
    expect(posted()[0]!.body).toMatchObject({ body_text: "Log attached", internal: true, attachment_ids: [55] });
    await waitFor(() => expect(screen.queryByRole("list", { name: "Files to send" })).toBeNull());
    expect(screen.getByLabelText("Internal note (agents only)")).toHaveValue("");
  });

  it("sends files without text; the text box is required only without files", async () => {
    const user = userEvent.setup();
    renderWithCore(<Composer ticketId={7} />);
    expect(screen.getByLabelText("Reply to the customer")).toBeRequired();
    await user.upload(screen.getByLabelText("Attachments"), new File(["%PDF"], "invoice.pdf"));
    expect(screen.getByLabelText("Reply to the customer")).not.toBeRequired();
    await user.click(screen.getByRole("button", { name: "Send reply" }));
    await waitFor(() => expect(posted()).toHaveLength(1));
    expect(posted()[0]!.body).toMatchObject({ internal: false, attachment_ids: [55] });
  });

  it("shows core's refusal of a file, sends nothing, and lets the file be removed", async () => {
    serve({
      "GET /api/v1/macros": { body: [] },
      "POST /api/v1/tickets/7/attachments": { status: 413, body: { detail: "Too large" } },
    });
    const user = userEvent.setup();
    renderWithCore(<Composer ticketId={7} />);
    await user.upload(screen.getByLabelText("Attachments"), new File(["data"], "dump.bin"));
    await user.type(screen.getByLabelText("Reply to the customer"), "See attached");
    await user.click(screen.getByRole("button", { name: "Send reply" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("dump.bin: the file is too large.");
    expect(posted()).toHaveLength(0);
    await user.click(screen.getByRole("button", { name: "Remove dump.bin" }));
    expect(screen.queryByRole("list", { name: "Files to send" })).toBeNull();
  });

  it("refuses a file over 25 MB before uploading it", async () => {
    const user = userEvent.setup();
    renderWithCore(<Composer ticketId={7} />);
    const big = new File(["x"], "video.mp4");
    Object.defineProperty(big, "size", { value: 26 * 1024 * 1024 });
    await user.upload(screen.getByLabelText("Attachments"), big);
    expect(screen.getByRole("alert")).toHaveTextContent("video.mp4: files may be at most 25 MB.");
    expect(calls.some((c) => c.path.endsWith("/attachments"))).toBe(false);
  });
});
