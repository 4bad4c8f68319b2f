// @vitest-environment jsdom
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { calls, renderWithCore, serve } from "@/testing/fakeCore";

import { validDays } from "../api/privacy";
import { PrivacyPage } from "./PrivacyPage";

const carol = { id: 5, name: "Carol Customer", email: "customer@acme.test", role: "customer", active: true, erased: false };
const job = (over = {}) => ({
  id: 9, kind: "privacy", status: "queued", progress: 0, rows_total: 0, rows_done: 0, error: "",
  download_url: null, created_at: "2026-12-07T10:00:00Z", finished_at: null, expires_at: null, ...over,
});  // prettier-ignore
const rule = { enabled: false, days: 730, due_now: 3, last_run_at: null, last_purged: 0 };

describe("PrivacyPage", () => {
  beforeEach(() => {
    let polls = 0;
    serve({
      "GET /api/v1/privacy/people": { body: [carol] },
      "POST /api/v1/privacy/people/5/export": { status: 202, body: job() },
      "GET /api/v1/privacy/exports/9": () => {
        polls += 1;
        return { body: polls > 1 ? job({ status: "done", progress: 100, download_url: "/api/v1/privacy/exports/9/download" }) : job({ status: "running", progress: 40 }) };
      },
      "POST /api/v1/privacy/people/5/erase": { status: 409, body: { detail: "Reassign them, then erase." } },
      "GET /api/v1/privacy/retention": { body: rule },
      "GET /api/v1/privacy/retention/preview": (call) => ({ body: { days: Number(call.query.get("days")), due_now: 12 } }),
      "PUT /api/v1/privacy/retention": (call) => ({ body: { ...rule, ...(call.body as object) } }),
    });
  });

  it("exports with a progress bar, then offers the download", async () => {
    renderWithCore(<PrivacyPage />);
    await userEvent.click(await screen.findByRole("button", { name: "Export" }));
    expect(await screen.findByRole("link", { name: "Download archive (zip)" }, { timeout: 4000 })).toHaveAttribute(
      "href",
      "/api/v1/privacy/exports/9/download",
    );
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({ include_internal_notes: false });
  });

  it("shows why an erasure was refused", async () => {
    vi.spyOn(window, "confirm").mockReturnValue(true);
    renderWithCore(<PrivacyPage />);
    await userEvent.click(await screen.findByRole("button", { name: "Erase" }));
    expect(await screen.findByText("Reassign them, then erase.")).toBeInTheDocument();
  });

  it("counts a dry run before enabling the rule", async () => {
    renderWithCore(<PrivacyPage />);
    const days = await screen.findByRole("spinbutton", { name: "Days" });
    await userEvent.clear(days);
    await userEvent.type(days, "365");
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("12 ticket(s) would be purged"));
    await userEvent.click(screen.getByRole("button", { name: "Enable" }));
    await waitFor(() => expect(calls.find((c) => c.method === "PUT")?.body).toEqual({ enabled: true, days: 365 }));
    expect(await screen.findByRole("button", { name: "Turn off" })).toBeInTheDocument();
  });

  it("accepts only the days the API does", () => {
    expect([validDays("29"), validDays("30"), validDays("3650"), validDays("3651"), validDays("1.5")]).toEqual([
      null, 30, 3650, null, null,
    ]);  // prettier-ignore
  });
});
