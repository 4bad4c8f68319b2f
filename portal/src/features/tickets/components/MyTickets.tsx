// "My tickets": the customer's requests with their status, filtered, paged by cursor.
import { useState } from "react";
import { Link } from "react-router";

import { EmptyState } from "@/components/EmptyState";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { StatusBadge } from "@/components/StatusBadge";
import { formatDateTime } from "@/lib/format";

import { useMyTickets, type TicketFilter } from "../api/tickets";

const FILTERS: { key: TicketFilter; label: string }[] = [
  { key: "open", label: "Open" },
  { key: "solved", label: "Solved" },
  { key: "all", label: "All" },
];

export function MyTickets() {
  const [filter, setFilter] = useState<TicketFilter>("open");
  const tickets = useMyTickets(filter);
  const items = tickets.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <div className="stack">
      <div className="page-head">
        <h1>My requests</h1>
        <Link className="button primary" to="/portal/new">
          New request
        </Link>
      </div>
      <div role="group" aria-label="Show" className="tabs">
        {FILTERS.map((f) => (
          <button
            key={f.key}
            type="button"
            aria-pressed={filter === f.key}
            className={filter === f.key ? "tab tab--active" : "tab"}
            onClick={() => setFilter(f.key)}
          >
            {f.label}
          </button>
        ))}
      </div>
      {tickets.isPending ? (
        <Loading label="Loading your requests…" />
      ) : tickets.isError ? (
        <ErrorMessage error={tickets.error} onRetry={() => void tickets.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={filter === "open" ? "No open requests" : "No requests here"}>
          <p>
            Need help? <Link to="/portal/new">Send us a request</Link> and we will answer here.
          </p>
        </EmptyState>
      ) : (
        <>
          <ul className="ticket-list" aria-label="My requests">
            {items.map((t) => (
              <li key={t.id} className="ticket-row">
                <Link to={`/portal/tickets/${t.id}`} className="ticket-row__subject">
                  {t.subject}
                </Link>
                <span className="muted">{t.display_number}</span>
                <StatusBadge category={t.status_category} />
                <span className="muted">Updated {formatDateTime(t.updated_at)}</span>
              </li>
            ))}
          </ul>
          {tickets.hasNextPage ? (
            <button type="button" onClick={() => void tickets.fetchNextPage()} disabled={tickets.isFetchingNextPage}>
              {tickets.isFetchingNextPage ? "Loading…" : "Show more"}
            </button>
          ) : null}
        </>
      )}
    </div>
  );
}
