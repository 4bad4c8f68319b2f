// Component tests' stand-in for core's HTTP API: a table of answers per "METHOD /path", every
// call recorded, uploads (XMLHttpRequest) answered from the same table with progress events.
// Browser tests under core/portal_host/tests drive the real core; these check the components.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter, Route, Routes } from "react-router";
import { vi } from "vitest";

export type Call = { method: string; path: string; query: URLSearchParams; body: unknown };
export type Answer = { status?: number; body?: unknown };
type Handler = Answer | ((call: Call) => Answer | Promise<Answer>);

let table: Record<string, Handler> = {};
export const calls: Call[] = [];

/** Answer these requests from now on (others get core's 404). */
export function serve(routes: Record<string, Handler>) {
  table = routes;
  calls.length = 0;
  vi.stubGlobal("XMLHttpRequest", FakeUpload);
}

async function answer(call: Call): Promise<Answer> {
  calls.push(call);
  const handler = table[`${call.method} ${call.path}`];
  if (!handler) return { status: 404, body: { detail: "Not Found" } };
  return typeof handler === "function" ? handler(call) : handler;
}

/** The fetch the app's API client uses in tests (installed by test-setup). */
export async function fakeFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = input instanceof Request ? input : new Request(input, init);
  const url = new URL(request.url, "http://acme.localhost");
  const text = await request.text();
  const reply = await answer({
    method: request.method,
    path: url.pathname,
    query: url.searchParams,
    body: text ? (JSON.parse(text) as unknown) : null,
  });
  const status = reply.status ?? 200;
  return new Response(status === 204 ? null : JSON.stringify(reply.body ?? null), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** The subset of XMLHttpRequest an upload uses: one progress event half way, then the answer. */
class FakeUpload {
  status = 0;
  response: unknown = null;
  responseType = "";
  withCredentials = false;
  upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = {
    onprogress: null,
  };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  private method = "";
  private path = "";
  open(method: string, path: string) {
    this.method = method;
    this.path = path;
  }
  setRequestHeader() {}
  send(body: FormData) {
    const file = body.get("file") as File;
    void answer({ method: this.method, path: this.path, query: new URLSearchParams(), body: file }).then((reply) => {
      this.upload.onprogress?.({ lengthComputable: true, loaded: file.size / 2, total: file.size });
      if (reply.status === 0) return this.onerror?.();
      this.status = reply.status ?? 201;
      this.response = reply.body ?? null;
      this.onload?.();
    });
  }
}

/** Renders `ui` with a fresh query cache, at `path` (matched by `pattern` for params). */
export function renderWithCore(ui: ReactElement, { path = "/", pattern = "*" } = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path={pattern} element={ui} />
          <Route path="*" element={<p>Elsewhere</p>} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}
