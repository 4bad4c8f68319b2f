// A message's attachments as download links (core always serves them as downloads).
import { formatBytes } from "@/lib/format";

type Attachment = { id: number; filename: string; size: number; download_url: string };

export function AttachmentList({ attachments }: { attachments: Attachment[] }) {
  if (!attachments.length) return null;
  return (
    <ul className="attachments" aria-label="Attachments">
      {attachments.map((a) => (
        <li key={a.id}>
          <a href={a.download_url} download>
            {a.filename}
          </a>{" "}
          <span className="muted">({formatBytes(a.size)})</span>
        </li>
      ))}
    </ul>
  );
}
