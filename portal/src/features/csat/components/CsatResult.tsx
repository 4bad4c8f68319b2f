// For agents: the requester's rating of the ticket, when one was asked for.
import { useTranslation } from "react-i18next";

import { ErrorMessage } from "@/components/ErrorMessage";
import { formatDateTime } from "@/lib/format";

import { ratingLabel, useTicketCsat } from "../api/csat";

export function CsatResult({ ticketId, solved }: { ticketId: number; solved: boolean }) {
  const { t } = useTranslation();
  const survey = useTicketCsat(ticketId, solved);
  if (solved && survey.isError) return <ErrorMessage error={survey.error} onRetry={() => void survey.refetch()} />;
  const s = survey.data;
  if (!solved || !s) return null; // not solved, no survey, or still loading: nothing to say
  return (
    <section className="card csat" aria-label={t("csat.title")}>
      <h2 className="h3">{t("csat.title")}</h2>
      <p data-testid="csat-rating">
        <strong>{ratingLabel(s)}</strong>
        {s.rated_at ? <span className="muted"> · {formatDateTime(s.rated_at)}</span> : null}
      </p>
      {s.comment ? <p>“{s.comment}”</p> : null}
    </section>
  );
}
