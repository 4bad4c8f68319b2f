// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { EmptyState } from "./EmptyState";
import { ErrorMessage } from "./ErrorMessage";

describe("EmptyState", () => {
  it("names the empty region so screen readers can find it", () => {
    render(<EmptyState title="No tickets yet">Submit one to get help.</EmptyState>);
    expect(screen.getByRole("region", { name: "No tickets yet" })).toHaveTextContent("Submit one");
  });
});

describe("ErrorMessage", () => {
  it("shows the error's message as an alert", () => {
    render(<ErrorMessage error={new Error("Invalid email or password.")} />);
    expect(screen.getByRole("alert")).toHaveTextContent("Invalid email or password.");
  });

  it("falls back to a generic message for non-errors", () => {
    render(<ErrorMessage error="boom" />);
    expect(screen.getByRole("alert")).toHaveTextContent("Something went wrong.");
  });
});
