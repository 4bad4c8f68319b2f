// The workspace's search box across tickets (GET /search); "/" focuses it from anywhere.
import { useQuery } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { Link, useNavigate } from "react-router";

import { api, unwrap } from "@/api/client";
import { useDebounced } from "@/lib/useDebounced";
import { useShortcuts } from "@/lib/shortcuts";

export function TicketSearchBox() {
  const [text, setText] = useState("");
  const [open, setOpen] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const navigate = useNavigate();
  const q = useDebounced(text.trim(), 250);
  useShortcuts({ "/": () => input.current?.focus() });
  const results = useQuery({
    queryKey: ["ticket-search", q],
    queryFn: async () => unwrap(await api.GET("/api/v1/search", { params: { query: { q, limit: 8 } } })),
    enabled: q.length >= 2,
  });
  const hits = results.data?.items ?? [];

  function go(id: number) {
    setOpen(false);
    setText("");
    navigate(`/agent/tickets/${id}`);
  }

  return (
    <div className="ticket-search" role="search">
      <label htmlFor="ticket-search" className="visually-hidden">
        Search tickets
      </label>
      <input
        id="ticket-search"
        ref={input}
        type="search"
        placeholder="Search tickets  ( / )"
        autoComplete="off"
        value={text}
        aria-controls="ticket-search-results"
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
        }}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            setOpen(false);
            input.current?.blur();
          }
          if (e.key === "Enter" && hits[0]) go(hits[0].ticket.id);
        }}
        onBlur={() => window.setTimeout(() => setOpen(false), 150)}
        onFocus={() => setOpen(true)}
      />
      {open && q.length >= 2 ? (
        <div id="ticket-search-results" className="ticket-search__results card" aria-live="polite">
          {results.isPending ? (
            <p className="muted">Searching…</p>
          ) : results.isError ? (
            <p className="error">{results.error.message}</p>
          ) : hits.length === 0 ? (
            <p className="muted">No tickets match “{q}”.</p>
          ) : (
            <ul className="plain-list">
              {hits.map((hit) => (
                <li key={hit.ticket.id}>
                  <Link to={`/agent/tickets/${hit.ticket.id}`} onClick={() => go(hit.ticket.id)}>
                    {/* core escapes the subject and only adds <mark> around matches */}
                    <span dangerouslySetInnerHTML={{ __html: hit.subject_html }} />
                  </Link>{" "}
                  <span className="muted">{hit.ticket.display_number}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : null}
    </div>
  );
}
