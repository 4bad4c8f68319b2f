import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { RealtimeClient, backoffDelay, socketUrl, type RealtimeMessage, type SocketLike } from "./client";

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  closed: { code?: number; reason?: string } | null = null;
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(data);
  }
  close(code?: number, reason?: string) {
    this.closed = { code, reason };
  }
  // what the gateway does
  welcome() {
    this.readyState = 1;
    this.emit({ id: null, type: "realtime.welcome", data: { resume_from: "1-0" } });
  }
  emit(message: RealtimeMessage) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(code = 1006, reason = "") {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  params() {
    return new URL(this.url).searchParams;
  }
}

function setup(overrides: Partial<ConstructorParameters<typeof RealtimeClient>[0]> = {}) {
  const sockets: FakeSocket[] = [];
  const fetchToken = vi.fn(async () => ({ token: `t${sockets.length}`, url: "ws://acme.localhost:8002/ws" }));
  const client = new RealtimeClient({
    fetchToken,
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    topics: ["inbox"],
    random: () => 0.5,
    ...overrides,
  });
  const received: RealtimeMessage[] = [];
  client.onMessage((m) => received.push(m));
  const socket = (index: number): FakeSocket => {
    const found = sockets[index];
    if (!found) throw new Error(`no socket #${index} yet`);
    return found;
  };
  return { client, sockets, socket, fetchToken, received };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("backoffDelay", () => {
  it("grows exponentially up to the cap, jittered in the upper half", () => {
    expect(backoffDelay(0, 500, 30_000, () => 0)).toBe(250);
    expect(backoffDelay(0, 500, 30_000, () => 1)).toBe(500);
    expect(backoffDelay(3, 500, 30_000, () => 1)).toBe(4000);
    expect(backoffDelay(20, 500, 30_000, () => 1)).toBe(30_000);
  });
});

describe("socketUrl", () => {
  it("carries the token, sorted topics and the last id", () => {
    const url = new URL(socketUrl({ token: "a.b.c", url: "ws://h:8002/ws" }, ["ticket:4", "inbox"], "17-2"));
    expect(url.searchParams.get("token")).toBe("a.b.c");
    expect(url.searchParams.get("topics")).toBe("inbox,ticket:4");
    expect(url.searchParams.get("last_id")).toBe("17-2");
  });
  it("omits last_id on a first connect", () => {
    expect(socketUrl({ token: "x", url: "ws://h/ws" }, [], null)).toBe("ws://h/ws?token=x");
  });
});

describe("RealtimeClient", () => {
  it("fetches a fresh token per connect and resumes from the last stream id after a drop", async () => {
    const { client, sockets, socket, fetchToken, received } = setup();
    client.start();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    expect(socket(0).params().get("last_id")).toBeNull();
    socket(0).welcome();
    expect(client.status).toBe("open");
    socket(0).emit({ id: "100-0", type: "ticket.created", data: {}, subject_id: 7 });
    socket(0).emit({ id: "100-1", type: "message.added", data: {}, subject_id: 7 });

    socket(0).drop();
    expect(client.status).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(400); // first retry after 375 ms with this jitter
    expect(sockets).toHaveLength(2);
    expect(fetchToken).toHaveBeenCalledTimes(2);
    expect(socket(1).params().get("last_id")).toBe("100-1");
    expect(socket(1).params().get("token")).toBe("t1");
    expect(client.resumed).toBe(true);
    expect(received.map((m) => m.id)).toEqual([null, "100-0", "100-1"]);
  });

  it("backs off longer after each failed attempt and resets once welcomed", async () => {
    const { client, sockets, socket } = setup();
    client.start();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    socket(0).drop();
    await vi.advanceTimersByTimeAsync(375);
    expect(sockets).toHaveLength(2);
    socket(1).drop();
    await vi.advanceTimersByTimeAsync(700);
    expect(sockets).toHaveLength(2); // second wait is 750 ms
    await vi.advanceTimersByTimeAsync(100);
    expect(sockets).toHaveLength(3);
    socket(2).welcome();
    socket(2).drop();
    await vi.advanceTimersByTimeAsync(375);
    expect(sockets).toHaveLength(4);
  });

  it("retries when the token cannot be fetched", async () => {
    let fail = true;
    const { client, sockets } = setup({
      fetchToken: async () => {
        if (fail) throw new Error("offline");
        return { token: "ok", url: "ws://h/ws" };
      },
    });
    client.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(sockets).toHaveLength(0);
    fail = false;
    await vi.advanceTimersByTimeAsync(400);
    expect(sockets).toHaveLength(1);
  });

  it("stops retrying when the gateway refuses the origin or the request", async () => {
    const { client, sockets, socket } = setup();
    client.start();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    socket(0).drop(4403, "origin");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(1);
    expect(client.status).toBe("refused");
  });

  it("takes the gateway's position on resync and passes the resync on", async () => {
    const { client, sockets, socket, received } = setup();
    client.start();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    socket(0).welcome();
    socket(0).emit({ id: null, type: "realtime.resync", data: { reason: "too_old", resume_from: "500-0" } });
    expect(client.lastId).toBe("500-0");
    expect(received.at(-1)?.type).toBe("realtime.resync");
  });

  it("subscribes over the open socket, or with the next connect when closed", async () => {
    const { client, sockets, socket } = setup();
    client.subscribe("ticket:9"); // before connecting: goes in the URL
    client.start();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    expect(socket(0).params().get("topics")).toBe("inbox,ticket:9");
    socket(0).welcome();
    client.subscribe("ticket:10");
    client.unsubscribe("ticket:9");
    expect(socket(0).sent.map((s) => JSON.parse(s))).toEqual([
      { op: "subscribe", topics: ["ticket:10"] },
      { op: "unsubscribe", topics: ["ticket:9"] },
    ]);
  });

  it("sends the topic changes made while the socket was connecting once it is welcomed", async () => {
    const { client, sockets, socket } = setup();
    client.subscribe("ticket:9");
    client.start();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    // The socket exists (its URL is built) but the gateway has not welcomed it yet.
    client.subscribe("ticket:10");
    client.unsubscribe("ticket:9");
    expect(socket(0).sent).toEqual([]);
    socket(0).welcome();
    expect(socket(0).sent.map((s) => JSON.parse(s))).toEqual([
      { op: "subscribe", topics: ["ticket:10"] },
      { op: "unsubscribe", topics: ["ticket:9"] },
    ]);
  });

  it("throttles typing and pings on the heartbeat", async () => {
    const { client, sockets, socket } = setup({ heartbeatMs: 1000 });
    client.start();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    client.typing(3, 0); // not open yet: dropped, not queued
    socket(0).welcome();
    client.typing(3, 10_000);
    client.typing(3, 11_000);
    client.typing(3, 12_500);
    await vi.advanceTimersByTimeAsync(1000);
    expect(socket(0).sent.map((s) => JSON.parse(s))).toEqual([
      { op: "typing", ticket_id: 3 },
      { op: "typing", ticket_id: 3 },
      { op: "ping" },
    ]);
  });

  it("reconnects when the gateway drains, and stop() ends everything", async () => {
    const { client, sockets, socket } = setup();
    client.start();
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    socket(0).welcome();
    socket(0).emit({ id: null, type: "realtime.reconnect", data: { last_id: "1-0" } });
    expect(socket(0).closed?.code).toBe(1000);
    socket(0).drop(1000);
    await vi.advanceTimersByTimeAsync(400);
    expect(sockets).toHaveLength(2);
    client.stop();
    expect(socket(1).closed?.code).toBe(1000);
    socket(1).drop(1000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(2);
    expect(client.status).toBe("stopped");
  });
});
