// Privacy API (core/privacy): find a person, their data-access archive, erasure, the retention rule.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "@/api/client";

export type Person = Schemas["PrivacyPersonOut"];
export type ArchiveJob = Schemas["ExportOut"];
export type Erasure = Schemas["ErasureOut"];
export type Retention = Schemas["RetentionOut"];

export function usePeople(q: string) {
  return useQuery({
    queryKey: ["privacy", "people", q],
    queryFn: async (): Promise<Person[]> => unwrap(await api.GET("/api/v1/privacy/people", { params: { query: { q } } })),
    placeholderData: keepPreviousData,
  });
}

export function useStartArchive() {
  return useMutation({
    mutationFn: async ({ id, internal }: { id: number; internal: boolean }): Promise<ArchiveJob> =>
      unwrap(
        await api.POST("/api/v1/privacy/people/{membership_id}/export", {
          params: { path: { membership_id: id } },
          body: { include_internal_notes: internal },
        }),
      ),
  });
}

/** The archive job, polled until the worker is done. */
export function useArchiveJob(id: number | null) {
  return useQuery({
    queryKey: ["privacy", "export", id],
    enabled: id !== null,
    queryFn: async (): Promise<ArchiveJob> =>
      unwrap(await api.GET("/api/v1/privacy/exports/{job_id}", { params: { path: { job_id: id ?? 0 } } })),
    refetchInterval: (q) => (q.state.data && ["done", "failed"].includes(q.state.data.status) ? false : 1000),
  });
}

export function useErase() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: number): Promise<Erasure> =>
      unwrap(
        await api.POST("/api/v1/privacy/people/{membership_id}/erase", { params: { path: { membership_id: id } } }),
      ),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["privacy", "people"] }),
  });
}

export function useRetention() {
  return useQuery({
    queryKey: ["privacy", "retention"],
    queryFn: async (): Promise<Retention> => unwrap(await api.GET("/api/v1/privacy/retention")),
  });
}

/** Dry run: how many tickets a rule of `days` would purge now. */
export function useRetentionPreview(days: number | null) {
  return useQuery({
    queryKey: ["privacy", "retention", "preview", days],
    enabled: days !== null,
    queryFn: async (): Promise<number> =>
      unwrap(await api.GET("/api/v1/privacy/retention/preview", { params: { query: { days: days ?? 0 } } })).due_now,
  });
}

export function useSetRetention() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: { enabled: boolean; days: number }): Promise<Retention> =>
      unwrap(await api.PUT("/api/v1/privacy/retention", { body })),
    onSuccess: (rule) => client.setQueryData(["privacy", "retention"], rule),
  });
}

export const MIN_DAYS = 30;
export const MAX_DAYS = 3650;

/** The days typed, when they are a rule the API accepts; null otherwise. */
export function validDays(text: string): number | null {
  const days = Number(text);
  return Number.isInteger(days) && days >= MIN_DAYS && days <= MAX_DAYS ? days : null;
}
