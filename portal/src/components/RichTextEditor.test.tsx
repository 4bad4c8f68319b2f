// @vitest-environment jsdom
import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { RichTextEditor, type RichValue } from "./RichTextEditor";

function setup(props: Partial<Parameters<typeof RichTextEditor>[0]> = {}) {
  const values: RichValue[] = [];
  const onChange = vi.fn((v: RichValue) => values.push(v));
  render(<RichTextEditor id="desc" label="How can we help?" onChange={onChange} {...props} />);
  return { values, box: screen.getByRole("textbox", { name: "How can we help?" }) };
}

describe("RichTextEditor", () => {
  it("is a labelled multi-line text box that reports its HTML and text as the person types", async () => {
    const user = userEvent.setup();
    const { values, box } = setup({ required: true });
    expect(box).toHaveAttribute("aria-multiline", "true");
    expect(box).toHaveAttribute("aria-required", "true");
    await user.click(box);
    await user.keyboard("Printer on fire");
    const last = values.at(-1)!;
    expect(last.text).toBe("Printer on fire");
    expect(last.html).toContain("Printer on fire");
  });

  it("reports an emptied field as empty", () => {
    const { values, box } = setup();
    box.innerHTML = "<p><br></p>";
    fireEvent.input(box);
    expect(values.at(-1)).toEqual({ html: "", text: "" });
  });

  it("keeps pasted words but not the pasted page's markup", () => {
    const { values, box } = setup();
    box.focus();
    window.getSelection()!.selectAllChildren(box);
    fireEvent.paste(box, {
      clipboardData: { getData: (type: string) => (type === "text/plain" ? "just words" : "<b style=x>just words</b>") },
    });
    expect(box.innerHTML).toBe("just words");
    expect(values.at(-1)!.text).toBe("just words");
  });

  it("has a formatting toolbar with one tab stop; arrows, Home and End move along it", async () => {
    const user = userEvent.setup();
    setup();
    const toolbar = screen.getByRole("toolbar", { name: "Formatting" });
    const bold = screen.getByRole("button", { name: "Bold" });
    expect(bold).toHaveAttribute("tabindex", "0");
    expect(bold).toHaveAttribute("aria-pressed", "false");
    expect(screen.getByRole("button", { name: "Italic" })).toHaveAttribute("tabindex", "-1");
    bold.focus();
    await user.keyboard("{ArrowRight}");
    expect(screen.getByRole("button", { name: "Italic" })).toHaveFocus();
    await user.keyboard("{End}");
    expect(screen.getByRole("button", { name: "Link" })).toHaveFocus();
    await user.keyboard("{ArrowRight}");
    expect(bold).toHaveFocus();
    await user.keyboard("{ArrowLeft}");
    expect(screen.getByRole("button", { name: "Link" })).toHaveFocus();
    expect(toolbar).toContainElement(bold);
  });

  it("adds a link from the link form and refuses a script address with a reason", async () => {
    const user = userEvent.setup();
    const { values, box } = setup();
    await user.click(box);
    await user.keyboard("See ");
    await user.click(screen.getByRole("button", { name: "Link" }));
    const address = screen.getByLabelText("Link address");
    expect(address).toHaveFocus();
    await user.type(address, "javascript:alert(1){Enter}");
    expect(screen.getByRole("alert")).toHaveTextContent("Enter a web address");
    await user.clear(address);
    await user.type(address, "example.com/help{Enter}");
    expect(screen.queryByLabelText("Link address")).toBeNull();
    const link = box.querySelector("a")!;
    expect(link).toHaveAttribute("href", "https://example.com/help");
    expect(values.at(-1)!.html).toContain('href="https://example.com/help"');
  });

  it("opens the link form with Ctrl+K and closes it with Escape", async () => {
    const user = userEvent.setup();
    const { box } = setup();
    await user.click(box);
    await user.keyboard("{Control>}k{/Control}");
    expect(screen.getByLabelText("Link address")).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByLabelText("Link address")).toBeNull();
  });

  it("shows and announces an error tied to the field", () => {
    const { box } = setup({ error: "Describe your request." });
    expect(box).toHaveAttribute("aria-invalid", "true");
    expect(box).toHaveAccessibleDescription("Describe your request.");
  });
});
