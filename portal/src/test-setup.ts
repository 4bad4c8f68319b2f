import "@testing-library/jest-dom/vitest";
// Components translate with t(); tests run in English (jsdom's navigator says en-US).
import "@/lib/i18n";

import { fakeFetch } from "./testing/fakeCore";

if (typeof window !== "undefined") {
  // jsdom runs on Node's fetch, which cannot resolve the app's relative "/api/..." addresses.
  const NodeRequest = globalThis.Request;
  globalThis.Request = class extends NodeRequest {
    constructor(input: RequestInfo | URL, init?: RequestInit) {
      super(typeof input === "string" ? new URL(input, "http://acme.localhost") : input, init);
    }
  } as typeof Request;
  globalThis.fetch = fakeFetch;
  document.cookie = "csrftoken=test-token";
}
