// The typed HTTP client of core's REST API (types generated from its OpenAPI schema).
import createClient, { type Middleware } from "openapi-fetch";

import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
/** The query parameters of `GET /api/v1/tickets` (its enum filters list their choices). */
export type TicketListParams = NonNullable<paths["/api/v1/tickets"]["get"]["parameters"]["query"]>;
export type StatusCategory = NonNullable<TicketListParams["status_category"]>[number];

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The value of a cookie, or null (Django's CSRF cookie is readable by design). */
export function readCookie(cookieHeader: string, name: string): string | null {
  for (const part of cookieHeader.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

/** An API answer other than 2xx, with core's `detail` message when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Core's problem+json `errors`: messages per field, when the input was invalid. */
    readonly fieldErrors: Record<string, string[]> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

function fieldErrorsOf(body: unknown): Record<string, string[]> {
  if (!body || typeof body !== "object" || !("errors" in body)) return {};
  const errors = (body as { errors: unknown }).errors;
  if (!errors || typeof errors !== "object") return {};
  return Object.fromEntries(
    Object.entries(errors as Record<string, unknown>).map(([field, list]) => [
      field,
      Array.isArray(list) ? list.map(String) : [String(list)],
    ]),
  );
}

export function errorMessage(status: number, body: unknown): string {
  if (body && typeof body === "object" && "detail" in body) {
    const { detail, errors } = body as { detail: unknown; errors?: unknown };
    // Core's problem+json lists messages per field: show them, they say what to fix.
    if (errors && typeof errors === "object") {
      const messages = Object.entries(errors as Record<string, unknown>).flatMap(([field, list]) =>
        Array.isArray(list) ? list.map((m) => (field === "__all__" ? String(m) : `${field}: ${String(m)}`)) : [],
      );
      if (messages.length) return messages.join(" ");
    }
    if (typeof detail === "string") return detail;
    if (Array.isArray(detail)) return "Please check the highlighted fields.";
  }
  if (status >= 500) return "The server had a problem. Please try again in a moment.";
  return `Request failed (${status}).`;
}

export async function csrfToken(): Promise<string> {
  const fromCookie = readCookie(document.cookie, "csrftoken");
  if (fromCookie) return fromCookie;
  // No cookie yet (first visit through the dev server): ask core to set one.
  const response = await fetch("/api/v1/auth/csrf", { credentials: "same-origin" });
  const body = (await response.json()) as Schemas["CsrfOut"];
  return body.csrf_token;
}

const csrf: Middleware = {
  async onRequest({ request }) {
    if (UNSAFE_METHODS.has(request.method)) {
      request.headers.set("X-CSRFToken", await csrfToken());
    }
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: "", credentials: "same-origin" });
api.use(csrf);

/** Data of a successful answer, or an ApiError carrying core's message. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (!result.response.ok) {
    const { status } = result.response;
    throw new ApiError(status, errorMessage(status, result.error), fieldErrorsOf(result.error));
  }
  return result.data as T;
}
