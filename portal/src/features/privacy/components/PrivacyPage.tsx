// The admins' privacy page: find a person -> Export (progress bar, download link) / Erase;
// the retention rule with its dry-run count before it is enabled.
import { useState } from "react";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { useDebounced } from "@/lib/useDebounced";

import {
  MAX_DAYS,
  MIN_DAYS,
  useArchiveJob,
  useErase,
  usePeople,
  useRetention,
  useRetentionPreview,
  useSetRetention,
  useStartArchive,
  validDays,
  type Person,
} from "../api/privacy";

function ArchiveControls({ person }: { person: Person }) {
  const [internal, setInternal] = useState(false);
  const start = useStartArchive();
  const job = useArchiveJob(start.data?.id ?? null);
  const status = job.data ?? start.data;
  return (
    <span className="privacy__export">
      <label>
        <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.target.checked)} /> Include internal
        notes
      </label>{" "}
      <button type="button" disabled={start.isPending} onClick={() => start.mutate({ id: person.id, internal })}>
        Export
      </button>
      {start.isError ? <ErrorMessage error={start.error} /> : null}
      {status ? (
        <span className="export__status">
          {" "}
          <progress max={100} value={status.progress} aria-label={`Export progress of ${person.email}`} />{" "}
          {status.progress}%
          {status.download_url ? (
            <>
              {" "}
              <a href={status.download_url}>Download archive (zip)</a>
            </>
          ) : null}
          {status.status === "failed" ? ` Failed: ${status.error}` : null}
        </span>
      ) : null}
    </span>
  );
}

function EraseControls({ person }: { person: Person }) {
  const erase = useErase();
  if (person.erased || erase.data) return <span className="muted">Erased</span>;
  const confirmAndErase = () => {
    const question = `Erase ${person.email}? Their name, email, message text and files are removed for good.`;
    if (window.confirm(question)) erase.mutate(person.id);
  };
  return (
    <span>
      <button type="button" className="danger" disabled={erase.isPending} onClick={confirmAndErase}>
        Erase
      </button>
      {erase.isError ? <ErrorMessage error={erase.error} /> : null}
    </span>
  );
}

function PeopleFinder() {
  const [q, setQ] = useState("");
  const query = useDebounced(q, 250);
  const people = usePeople(query);
  return (
    <section aria-labelledby="privacy-people">
      <h2 id="privacy-people">Find a person</h2>
      <input
        type="search"
        aria-label="Email or name"
        placeholder="Email or name"
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      {people.isPending ? <Loading /> : null}
      {people.isError ? <ErrorMessage error={people.error} onRetry={() => void people.refetch()} /> : null}
      <ul className="privacy__people">
        {(people.data ?? []).map((person) => (
          <li key={person.id}>
            <strong>{person.name || person.email}</strong> <span className="muted">{person.email}</span> ·{" "}
            {person.role}
            {person.active ? "" : " · inactive"} <ArchiveControls person={person} /> <EraseControls person={person} />
          </li>
        ))}
      </ul>
      {people.data?.length === 0 ? <p className="muted">Nobody matches.</p> : null}
    </section>
  );
}

function RetentionForm() {
  const rule = useRetention();
  const save = useSetRetention();
  const [daysText, setDaysText] = useState<string | null>(null);
  const text = daysText ?? String(rule.data?.days ?? 730);
  const days = validDays(text);
  const preview = useRetentionPreview(days);
  if (rule.isPending) return <Loading />;
  if (rule.isError) return <ErrorMessage error={rule.error} onRetry={() => void rule.refetch()} />;
  const enabled = rule.data.enabled;
  return (
    <section aria-labelledby="privacy-retention">
      <h2 id="privacy-retention">Retention</h2>
      <p>
        Close and purge tickets solved or closed more than{" "}
        <input
          type="number"
          min={MIN_DAYS}
          max={MAX_DAYS}
          aria-label="Days"
          value={text}
          onChange={(e) => setDaysText(e.target.value)}
        />{" "}
        days ago. Their statistics stay; their text, files and comments go.
      </p>
      <p role="status">
        {days === null
          ? `Choose ${MIN_DAYS} to ${MAX_DAYS} days.`
          : preview.data !== undefined
            ? `Dry run: ${preview.data} ticket(s) would be purged now.`
            : "Counting…"}
      </p>
      <p>
        The rule is <strong>{enabled ? "on" : "off"}</strong>
        {rule.data.last_run_at
          ? ` · last run ${new Date(rule.data.last_run_at).toLocaleString()}, ${rule.data.last_purged} purged`
          : ""}
        .{" "}
        <button
          type="button"
          disabled={days === null || save.isPending}
          onClick={() => days !== null && save.mutate({ enabled: true, days })}
        >
          {enabled ? "Save" : "Enable"}
        </button>{" "}
        {enabled ? (
          <button type="button" disabled={save.isPending} onClick={() => save.mutate({ enabled: false, days: days ?? rule.data.days })}>
            Turn off
          </button>
        ) : null}
      </p>
      {save.isError ? <ErrorMessage error={save.error} /> : null}
    </section>
  );
}

export function PrivacyPage() {
  return (
    <main id="main" className="content privacy">
      <h1>Privacy</h1>
      <p className="muted">
        Answer a data-access request with an archive, erase a person, or set how long solved tickets keep their content.
      </p>
      <PeopleFinder />
      <RetentionForm />
    </main>
  );
}
