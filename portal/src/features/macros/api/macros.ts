// Macros: the list an agent may apply, what one would do to a ticket, and applying it.
import { useQuery } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "@/api/client";
import { useTicketMutation } from "@/lib/ticket";

export type Macro = Schemas["MacroOut"];
export type MacroPreview = Schemas["PreviewOut"];

export function useMacros() {
  return useQuery({
    queryKey: ["workspace-macros"],
    queryFn: async () => unwrap(await api.GET("/api/v1/macros")),
    staleTime: 5 * 60_000,
  });
}

export function useMacroPreview(ticketId: number, macroId: number | null) {
  return useQuery({
    queryKey: ["workspace-macro-preview", ticketId, macroId],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/tickets/{ticket_id}/macros/{macro_id}/preview", {
          params: { path: { ticket_id: ticketId, macro_id: macroId ?? 0 } },
        }),
      ),
    enabled: macroId !== null,
  });
}

export function useApplyMacro(ticketId: number) {
  return useTicketMutation(ticketId, async (macroId: number) =>
    unwrap(
      await api.POST("/api/v1/tickets/{ticket_id}/macros/{macro_id}/apply", {
        params: { path: { ticket_id: ticketId, macro_id: macroId } },
      }),
    ),
  );
}
