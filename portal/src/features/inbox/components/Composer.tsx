// The ticket view's reply/note composer: public reply or internal note (r / n focus it), files
// (drag and drop or picker, uploaded with progress when sent), linked articles and macros.
import { useRef, useState, type FormEvent } from "react";

import { AttachmentPicker, useAttachmentDraft } from "@/components/AttachmentPicker";
import { ErrorMessage } from "@/components/ErrorMessage";
import { useTypingSignal } from "@/lib/realtime/RealtimeProvider";
import { useShortcuts } from "@/lib/shortcuts";
import { ArticleLinkPicker, type LinkedArticle } from "@/features/kb";
import { MacroPicker } from "@/features/macros";

import { useAddMessage } from "../api/ticket";

export function Composer({ ticketId }: { ticketId: number }) {
  const add = useAddMessage(ticketId);
  const [internal, setInternal] = useState(false);
  const [body, setBody] = useState("");
  const files = useAttachmentDraft();
  const typing = useTypingSignal(ticketId);
  const textarea = useRef<HTMLTextAreaElement>(null);
  useShortcuts({
    r: () => {
      setInternal(false);
      textarea.current?.focus();
    },
    n: () => {
      setInternal(true);
      textarea.current?.focus();
    },
  });
  const [articles, setArticles] = useState<LinkedArticle[]>([]);

  async function send(event: FormEvent) {
    event.preventDefault();
    // Files belong to the ticket first; the message then claims them by id.
    const attachment_ids = await files.uploadForMessage(ticketId);
    if (attachment_ids === null) return;
    const article_ids = articles.map((a) => a.id);
    add.mutate(
      { body_text: body, internal, article_ids, attachment_ids },
      {
        onSuccess: () => {
          setBody("");
          setArticles([]);
          files.clear();
        },
      },
    );
  }
  const { uploading, uploadError } = files;
  const busy = add.isPending || uploading;

  return (
    <form
      onSubmit={(e) => void send(e)}
      className={internal ? "card composer composer--note" : "card composer"}
      aria-label="Composer"
    >
      <div role="radiogroup" aria-label="Message kind" className="tabs">
        <label className={!internal ? "tab tab--active" : "tab"}>
          <input type="radio" name="kind" checked={!internal} onChange={() => setInternal(false)} /> Public reply
        </label>
        <label className={internal ? "tab tab--active" : "tab"}>
          <input type="radio" name="kind" checked={internal} onChange={() => setInternal(true)} /> Internal note
        </label>
      </div>
      <label htmlFor="composer-body" className="visually-hidden">
        {internal ? "Internal note (agents only)" : "Reply to the customer"}
      </label>
      <textarea
        id="composer-body"
        ref={textarea}
        rows={5}
        required={!files.drafts.length} // files alone make a message
        value={body}
        placeholder={internal ? "Only agents see notes." : "The customer sees this reply."}
        onChange={(e) => {
          setBody(e.target.value);
          if (!internal) typing(); // other agents see "… is replying"
        }}
      />
      <AttachmentPicker draft={files} disabled={busy} />
      <ArticleLinkPicker linked={articles} onChange={setArticles} />
      {uploadError ? <ErrorMessage error={uploadError} /> : null}
      {add.isError ? <ErrorMessage error={add.error} /> : null}
      <button type="submit" className="primary" disabled={busy}>
        {uploading ? "Uploading files…" : add.isPending ? "Sending…" : internal ? "Add note" : "Send reply"}
      </button>
      <MacroPicker ticketId={ticketId} />
    </form>
  );
}
