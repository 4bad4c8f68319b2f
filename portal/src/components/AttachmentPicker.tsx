// Files to send with a request or reply: drag and drop or a file input, checks before
// uploading, and per-file progress while `uploadAll` runs.
import { useId, useRef, useState, type DragEvent } from "react";

import { formatBytes } from "@/lib/format";

import { MAX_ATTACHMENTS, fileProblem, uploadAttachment } from "@/lib/attachments";

/** A file to send; `uploadedId` once core has it, so a retry after a failure skips it. */
type Draft = { key: string; file: File; progress: number | null; uploadedId?: number };

export function useAttachmentDraft() {
  const [drafts, setDrafts] = useState<Draft[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<unknown>(null);

  function add(files: Iterable<File>) {
    const found: string[] = [];
    const accepted: Draft[] = [];
    for (const file of files) {
      const problem = fileProblem(file);
      if (problem) found.push(problem);
      else accepted.push({ key: `${file.name}-${file.size}-${file.lastModified}-${Math.random()}`, file, progress: null });
    }
    setDrafts((current) => {
      const room = MAX_ATTACHMENTS - current.length;
      if (accepted.length > room) found.push(`At most ${MAX_ATTACHMENTS} files per message.`);
      return [...current, ...accepted.slice(0, Math.max(0, room))];
    });
    setProblems(found);
  }

  function remove(key: string) {
    setDrafts((current) => current.filter((d) => d.key !== key));
  }

  /** Uploads every file to the ticket (one at a time, so progress reads in order); returns their ids.
   *  A failed file goes back to "not sent" (removable), and the error is thrown for the caller to show. */
  async function uploadAll(ticketId: number): Promise<number[]> {
    const ids: number[] = [];
    for (const draft of drafts) {
      if (draft.uploadedId !== undefined) {
        ids.push(draft.uploadedId);
        continue;
      }
      const patch = (change: Partial<Draft>) =>
        setDrafts((current) => current.map((d) => (d.key === draft.key ? { ...d, ...change } : d)));
      patch({ progress: 0 });
      try {
        const { id } = await uploadAttachment(ticketId, draft.file, (progress) => patch({ progress }));
        patch({ uploadedId: id });
        ids.push(id);
      } catch (error) {
        patch({ progress: null });
        throw error;
      }
    }
    return ids;
  }

  /** The files' ids for a message about to be sent (none without files), or null if an upload
   *  failed: `uploadError` then says why, and nothing should be sent. */
  async function uploadForMessage(ticketId: number): Promise<number[] | null> {
    setUploadError(null);
    if (!drafts.length) return [];
    setUploading(true);
    try {
      return await uploadAll(ticketId);
    } catch (error) {
      setUploadError(error);
      return null;
    } finally {
      setUploading(false);
    }
  }

  function clear() {
    setDrafts([]);
    setProblems([]);
  }

  return { drafts, problems, uploading, uploadError, add, remove, uploadAll, uploadForMessage, clear };
}

type PickerProps = { draft: ReturnType<typeof useAttachmentDraft>; disabled?: boolean };

export function AttachmentPicker({ draft, disabled = false }: PickerProps) {
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setOver(false);
    if (!disabled) draft.add(Array.from(event.dataTransfer.files));
  }

  return (
    <div className="field">
      <div
        className={over ? "dropzone dropzone--over" : "dropzone"}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <label htmlFor={inputId}>Attachments</label>
        <p className="muted">Drop files here, or choose them (up to 25 MB each).</p>
        <input
          ref={input}
          id={inputId}
          type="file"
          multiple
          disabled={disabled}
          onChange={(e) => {
            draft.add(Array.from(e.target.files ?? []));
            if (input.current) input.current.value = ""; // choosing the same file again still adds it
          }}
        />
      </div>
      {draft.problems.length ? (
        <ul className="error" role="alert">
          {draft.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      {draft.drafts.length ? (
        <ul className="attachments" aria-label="Files to send">
          {draft.drafts.map((d) => (
            <li key={d.key}>
              {d.file.name} <span className="muted">({formatBytes(d.file.size)})</span>{" "}
              {d.progress === null ? (
                <button
                  type="button"
                  className="link"
                  aria-label={`Remove ${d.file.name}`}
                  disabled={disabled}
                  onClick={() => draft.remove(d.key)}
                >
                  Remove
                </button>
              ) : (
                <progress max={1} value={d.progress} aria-label={`Uploading ${d.file.name}`} />
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
