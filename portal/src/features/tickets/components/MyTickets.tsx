// "My tickets": the customer's requests with their status, filtered, paged by cursor.
import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link } from "react-router";

import { EmptyState } from "@/components/EmptyState";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { StatusBadge } from "@/components/StatusBadge";
import { formatDateTime } from "@/lib/format";

import { useMyTickets, type TicketFilter } from "../api/tickets";

const FILTERS: { key: TicketFilter; label: string }[] = [
  { key: "open", label: "tickets.filterOpen" },
  { key: "solved", label: "tickets.filterSolved" },
  { key: "all", label: "tickets.filterAll" },
];

export function MyTickets() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<TicketFilter>("open");
  const tickets = useMyTickets(filter);
  const items = tickets.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <div className="stack">
      <div className="page-head">
        <h1>{t("shell.myRequests")}</h1>
        <Link className="button primary" to="/portal/new">
          {t("shell.newRequest")}
        </Link>
      </div>
      <div role="group" aria-label={t("tickets.show")} className="tabs">
        {FILTERS.map((f) => (
          <button
            key={f.key}
            type="button"
            aria-pressed={filter === f.key}
            className={filter === f.key ? "tab tab--active" : "tab"}
            onClick={() => setFilter(f.key)}
          >
            {t(f.label)}
          </button>
        ))}
      </div>
      {tickets.isPending ? (
        <Loading label={t("tickets.loadingMine")} />
      ) : tickets.isError ? (
        <ErrorMessage error={tickets.error} onRetry={() => void tickets.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={filter === "open" ? t("tickets.noOpen") : t("tickets.noneHere")}>
          <p>
            <Trans i18nKey="tickets.needHelp" components={{ send: <Link to="/portal/new" /> }} />
          </p>
        </EmptyState>
      ) : (
        <>
          <ul className="ticket-list" aria-label={t("shell.myRequests")}>
            {items.map((ticket) => (
              <li key={ticket.id} className="ticket-row">
                <Link to={`/portal/tickets/${ticket.id}`} className="ticket-row__subject">
                  {ticket.subject}
                </Link>
                <span className="muted">{ticket.display_number}</span>
                <StatusBadge category={ticket.status_category} />
                <span className="muted">{t("tickets.updated", { when: formatDateTime(ticket.updated_at) })}</span>
              </li>
            ))}
          </ul>
          {tickets.hasNextPage ? (
            <button type="button" onClick={() => void tickets.fetchNextPage()} disabled={tickets.isFetchingNextPage}>
              {tickets.isFetchingNextPage ? t("common.loading") : t("common.showMore")}
            </button>
          ) : null}
        </>
      )}
    </div>
  );
}
