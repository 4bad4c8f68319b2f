// The realtime gateway's client: token from core, one socket, topics, resume by stream id,
// reconnect with backoff, heartbeats. Framework-free; `RealtimeProvider` wires it into React.

/** One message from the gateway: a stream entry (`id` set) or a control message (`id` null). */
export type RealtimeMessage = {
  id: string | null;
  type: string;
  data: Record<string, unknown>;
  subject_id?: number | null;
};

export type Viewer = { membership_id: number; name: string; typing: boolean };

export type ConnectionInfo = { token: string; url: string };

export type RealtimeStatus = "idle" | "connecting" | "open" | "reconnecting" | "refused" | "stopped";

/** The part of the browser's WebSocket the client uses (tests pass a fake). */
export type SocketLike = {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
};

export type RealtimeOptions = {
  fetchToken: () => Promise<ConnectionInfo>;
  createSocket?: (url: string) => SocketLike;
  topics?: Iterable<string>;
  heartbeatMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Typing is repeated at most this often (the gateway forgets it after 6 s). */
  typingEveryMs?: number;
  random?: () => number;
};

const OPEN = 1;
// Close codes after which retrying cannot help (contracts/realtime.py `CloseCode`).
const FINAL_CODES = new Set([4400, 4403]);

export const WELCOME = "realtime.welcome";
export const RESYNC = "realtime.resync";
const RECONNECT = "realtime.reconnect";
export const PRESENCE = "presence.changed";

/** Delay before reconnect attempt `attempt` (0-based): exponential, capped, with full jitter
 * in its upper half so a restarted gateway is not hit by every browser at once. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function socketUrl(info: ConnectionInfo, topics: Iterable<string>, lastId: string | null): string {
  const params = new URLSearchParams({ token: info.token });
  const list = [...topics].sort();
  if (list.length) params.set("topics", list.join(","));
  if (lastId) params.set("last_id", lastId);
  return `${info.url}${info.url.includes("?") ? "&" : "?"}${params.toString()}`;
}

type Listener = (message: RealtimeMessage) => void;

export class RealtimeClient {
  status: RealtimeStatus = "idle";
  /** The newest stream id received: sent as `last_id` on reconnect so nothing is missed or repeated. */
  lastId: string | null = null;
  /** Whether the current socket resumed from `lastId` (if not, the app refetches what it shows). */
  resumed = false;
  private readonly topics: Set<string>;
  /** The topics named in the current socket's URL; changes made before its welcome are sent after it. */
  private urlTopics = new Set<string>();
  private readonly listeners = new Set<Listener>();
  private readonly statusListeners = new Set<(status: RealtimeStatus) => void>();
  private readonly lastTyping = new Map<number, number>();
  private socket: SocketLike | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private generation = 0;

  constructor(private readonly options: RealtimeOptions) {
    this.topics = new Set(options.topics ?? []);
  }

  start(): void {
    if (this.status !== "idle" && this.status !== "stopped") return;
    void this.connect();
  }

  stop(): void {
    this.generation += 1;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket) socket.close(1000, "bye");
    this.setStatus("stopped");
  }

  onMessage(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: (status: RealtimeStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  subscribe(topic: string): void {
    if (this.topics.has(topic)) return;
    this.topics.add(topic);
    this.sendOp({ op: "subscribe", topics: [topic] });
  }

  unsubscribe(topic: string): void {
    if (!this.topics.delete(topic)) return;
    this.sendOp({ op: "unsubscribe", topics: [topic] });
  }

  /** Tell the other agents on the ticket that this one is typing (throttled). */
  typing(ticketId: number, now: number = Date.now()): void {
    const every = this.options.typingEveryMs ?? 2000;
    const last = this.lastTyping.get(ticketId);
    if (last !== undefined && now - last < every) return;
    if (this.sendOp({ op: "typing", ticket_id: ticketId })) this.lastTyping.set(ticketId, now);
  }

  /** A subscribe or unsubscribe made while the socket was connecting could not be sent then
   * (ops wait for the welcome), and the URL was already built: send the difference now. */
  private sendTopicChangesSinceConnect(): void {
    const added = [...this.topics].filter((topic) => !this.urlTopics.has(topic));
    const removed = [...this.urlTopics].filter((topic) => !this.topics.has(topic));
    if (added.length) this.sendOp({ op: "subscribe", topics: added });
    if (removed.length) this.sendOp({ op: "unsubscribe", topics: removed });
    this.urlTopics = new Set(this.topics);
  }

  private sendOp(body: Record<string, unknown>): boolean {
    // Not connected: topics go out with the next connect (`topics=`), typing is simply dropped.
    if (!this.socket || this.socket.readyState !== OPEN || this.status !== "open") return false;
    this.socket.send(JSON.stringify(body));
    return true;
  }

  private setStatus(status: RealtimeStatus): void {
    if (this.status === status) return;
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.retryTimer = this.heartbeatTimer = null;
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    this.setStatus(this.attempt === 0 && this.lastId === null ? "connecting" : "reconnecting");
    let info: ConnectionInfo;
    try {
      info = await this.options.fetchToken();
    } catch {
      if (generation === this.generation) this.scheduleRetry();
      return;
    }
    if (generation !== this.generation) return;
    const create = this.options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
    this.resumed = this.lastId !== null;
    this.urlTopics = new Set(this.topics);
    const socket = create(socketUrl(info, this.topics, this.lastId));
    this.socket = socket;
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.clearTimers();
      if (FINAL_CODES.has(event.code)) {
        this.setStatus("refused");
        return;
      }
      this.scheduleRetry();
    };
    socket.onerror = () => undefined; // the close event follows and decides
  }

  private scheduleRetry(): void {
    const { backoffBaseMs = 500, backoffMaxMs = 30_000, random = Math.random } = this.options;
    this.setStatus("reconnecting");
    const delay = backoffDelay(this.attempt, backoffBaseMs, backoffMaxMs, random);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private receive(raw: unknown): void {
    let message: RealtimeMessage;
    try {
      message = JSON.parse(String(raw)) as RealtimeMessage;
    } catch {
      return;
    }
    if (!message || typeof message.type !== "string") return;
    if (message.id) this.lastId = message.id;
    if (message.type === WELCOME) {
      this.attempt = 0;
      this.setStatus("open");
      this.sendTopicChangesSinceConnect();
      this.heartbeatTimer = setInterval(() => this.sendOp({ op: "ping" }), this.options.heartbeatMs ?? 20_000);
    } else if (message.type === RESYNC) {
      // Our id is gone from the stream: carry on from where the gateway is, the app refetches.
      const from = message.data?.resume_from;
      if (typeof from === "string") this.lastId = from;
    } else if (message.type === RECONNECT) {
      this.socket?.close(1000, "reconnecting");
    }
    for (const listener of this.listeners) listener(message);
  }
}
