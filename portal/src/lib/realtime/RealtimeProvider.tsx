// One realtime connection per signed-in tab, shared through context; hooks for topics and presence.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from "react";

import { api, unwrap } from "@/api/client";

import { PRESENCE, RealtimeClient, type RealtimeMessage, type RealtimeStatus, type Viewer } from "./client";

const RealtimeContext = createContext<RealtimeClient | null>(null);

async function fetchToken() {
  const { token, url } = unwrap(await api.POST("/api/v1/realtime/token"));
  return { token, url };
}

type ProviderProps = {
  /** False while nobody is signed in: no socket. */
  enabled: boolean;
  /** Called with every message (the app layer maps events to query invalidations). */
  onMessage: (message: RealtimeMessage, client: RealtimeClient) => void;
  children: ReactNode;
};

export function RealtimeProvider({ enabled, onMessage, children }: ProviderProps) {
  // Constructing connects nothing; the effect starts and stops the socket.
  const client = useMemo(
    () =>
      enabled && typeof WebSocket !== "undefined"
        ? new RealtimeClient({ fetchToken, topics: ["inbox", "notifications"] })
        : null,
    [enabled],
  );

  useEffect(() => {
    if (!client) return;
    client.start();
    return () => client.stop();
  }, [client]);

  useEffect(() => {
    if (!client) return;
    return client.onMessage((message) => onMessage(message, client));
  }, [client, onMessage]);

  return <RealtimeContext.Provider value={client}>{children}</RealtimeContext.Provider>;
}

/** The tab's connection, or null (signed out, or outside a provider as in unit tests). */
export function useRealtime(): RealtimeClient | null {
  return useContext(RealtimeContext);
}

export function useRealtimeStatus(): RealtimeStatus {
  const client = useRealtime();
  const subscribe = useCallback((onChange: () => void) => client?.onStatus(onChange) ?? (() => undefined), [client]);
  return useSyncExternalStore(subscribe, () => client?.status ?? "idle");
}

/** Subscribes to one ticket while mounted; for staff that also marks them as viewing it.
 * Returns who views it (the gateway sends presence to staff only). */
export function useTicketPresence(ticketId: number): Viewer[] {
  const client = useRealtime();
  const [viewers, setViewers] = useState<Viewer[]>([]);
  useEffect(() => {
    if (!client || !Number.isInteger(ticketId)) return;
    const topic = `ticket:${ticketId}`;
    const off = client.onMessage((message) => {
      if (message.type === PRESENCE && message.data.ticket_id === ticketId) {
        setViewers(Array.isArray(message.data.viewers) ? (message.data.viewers as Viewer[]) : []);
      }
    });
    client.subscribe(topic);
    return () => {
      off();
      client.unsubscribe(topic);
      setViewers([]);
    };
  }, [client, ticketId]);
  return viewers;
}

/** A function to call as the agent types in a ticket's composer (throttled by the client). */
export function useTypingSignal(ticketId: number): () => void {
  const client = useRealtime();
  return () => client?.typing(ticketId);
}
