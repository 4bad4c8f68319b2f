// @vitest-environment jsdom
import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { AttachmentPicker, useAttachmentDraft } from "./AttachmentPicker";

function Harness() {
  const draft = useAttachmentDraft();
  return <AttachmentPicker draft={draft} />;
}

describe("AttachmentPicker", () => {
  it("lists files chosen with the labelled input, and removes one", async () => {
    const user = userEvent.setup();
    render(<Harness />);
    await user.upload(screen.getByLabelText("Attachments"), new File(["log line"], "printer.log", { type: "text/plain" }));
    expect(screen.getByRole("list", { name: "Files to send" })).toHaveTextContent("printer.log (8 B)");
    await user.click(screen.getByRole("button", { name: "Remove printer.log" }));
    expect(screen.queryByRole("list", { name: "Files to send" })).toBeNull();
  });

  it("takes dropped files and says why a program is refused", () => {
    render(<Harness />);
    const files = [new File(["MZ"], "setup.exe"), new File(["%PDF"], "invoice.pdf")];
    fireEvent.drop(screen.getByTestId("dropzone"), { dataTransfer: { files } });
    expect(screen.getByRole("alert")).toHaveTextContent("setup.exe: programs and scripts cannot be attached.");
    expect(screen.getByRole("list", { name: "Files to send" })).toHaveTextContent("invoice.pdf");
    expect(screen.getByRole("list", { name: "Files to send" })).not.toHaveTextContent("setup.exe");
  });
});
