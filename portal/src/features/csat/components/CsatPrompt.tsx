// The requester's rating of a solved ticket, in the portal.
import { useState, type FormEvent } from "react";
import { Trans, useTranslation } from "react-i18next";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";

import { ratingLabel, useRate, useTicketCsat } from "../api/csat";

// Labels are catalog keys for good/bad; the 1–5 scale shows the digits.
const CHOICES: Record<string, { value: string | number; label: string }[]> = {
  good_bad: [
    { value: "good", label: "csat.good" },
    { value: "bad", label: "csat.bad" },
  ],
  five: [1, 2, 3, 4, 5].map((n) => ({ value: n, label: `${n}` })),
};

export function CsatPrompt({ ticketId }: { ticketId: number }) {
  const { t } = useTranslation();
  const survey = useTicketCsat(ticketId);
  const rate = useRate(ticketId);
  const [choice, setChoice] = useState<string | number | null>(null);
  const [comment, setComment] = useState("");
  const [editing, setEditing] = useState(false);

  if (survey.isPending) return <Loading label={t("csat.loading")} />;
  if (survey.isError) return <ErrorMessage error={survey.error} onRetry={() => void survey.refetch()} />;
  const s = survey.data;
  if (!s) return null; // the tenant does not ask for ratings, or not yet

  if (s.rating !== null && !editing) {
    return (
      <section className="card csat" aria-label={t("csat.yourRating")}>
        <p>
          <Trans i18nKey="csat.youRated" values={{ rating: ratingLabel(s) }} components={{ b: <strong /> }} />
        </p>
        {s.comment ? <p className="muted">“{s.comment}”</p> : null}
        <button type="button" onClick={() => setEditing(true)}>
          {t("csat.change")}
        </button>
      </section>
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (choice === null) return;
    rate.mutate({ rating: choice, comment }, { onSuccess: () => setEditing(false) });
  }

  return (
    <form className="card csat" aria-label={t("csat.rateThis")} onSubmit={submit}>
      <fieldset>
        <legend>{t("csat.question")}</legend>
        <div className="csat__choices">
          {CHOICES[s.scale]?.map((c) => (
            <label key={c.value} className={choice === c.value ? "tab tab--active" : "tab"}>
              <input type="radio" name="csat-rating" checked={choice === c.value} onChange={() => setChoice(c.value)} />{" "}
              {typeof c.value === "number" ? c.label : t(c.label)}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="field">
        <label htmlFor="csat-comment">{t("csat.comment")}</label>
        <textarea id="csat-comment" rows={2} maxLength={5000} value={comment} onChange={(e) => setComment(e.target.value)} />
      </div>
      {rate.isError ? <ErrorMessage error={rate.error} /> : null}
      <button type="submit" className="primary" disabled={choice === null || rate.isPending}>
        {rate.isPending ? t("csat.sending") : t("csat.send")}
      </button>
    </form>
  );
}
