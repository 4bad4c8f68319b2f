// The signed-in person's in-app notifications: unread count, list, mark read.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "@/api/client";

export type Notification = Schemas["NotificationOut"];

// The realtime socket refreshes the count as notifications arrive; this slow poll only
// covers a tab whose socket is down.
const UNREAD_POLL_MS = 5 * 60_000;

export function useUnreadCount() {
  return useQuery({
    queryKey: ["notifications", "unread-count"],
    queryFn: async () => unwrap(await api.GET("/api/v1/notifications/unread-count")).unread,
    refetchInterval: UNREAD_POLL_MS,
  });
}

export function useNotifications() {
  return useQuery({
    queryKey: ["notifications", "list"],
    queryFn: async () => unwrap(await api.GET("/api/v1/notifications", { params: { query: { limit: 100 } } })),
  });
}

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: number) =>
      unwrap(await api.POST("/api/v1/notifications/{notification_id}/read", { params: { path: { notification_id: id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["notifications"] }),
  });
}

export function useMarkAllRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => unwrap(await api.POST("/api/v1/notifications/read-all")),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["notifications"] }),
  });
}
