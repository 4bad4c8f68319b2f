// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import { ErrorBoundary } from "./ErrorBoundary";

function Page({ broken }: { broken: boolean }) {
  if (broken) throw new Error("The page broke.");
  return <p>Page shown</p>;
}

describe("ErrorBoundary", () => {
  it("shows the fallback for a render error, and the children again after a new reset key", () => {
    const quiet = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const fallback = (error: unknown) => <p role="alert">{error instanceof Error ? error.message : "?"}</p>;
    const view = render(
      <ErrorBoundary resetKey="/a" fallback={fallback}>
        <Page broken />
      </ErrorBoundary>,
    );
    expect(screen.getByRole("alert")).toHaveTextContent("The page broke.");

    view.rerender(
      <ErrorBoundary resetKey="/b" fallback={fallback}>
        <Page broken={false} />
      </ErrorBoundary>,
    );
    expect(screen.getByText("Page shown")).toBeInTheDocument();
    quiet.mockRestore();
  });
});
