// Uploading a ticket's files with progress (XMLHttpRequest: fetch reports no upload progress).
import { ApiError, csrfToken, errorMessage, type Schemas } from "@/api/client";

export type UploadedAttachment = Schemas["AttachmentOut"];

// Core's default limit (FRONTLINE_ATTACHMENT_MAX_BYTES); core checks again and answers 413.
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
export const MAX_ATTACHMENTS = 20;
// Core refuses programs and scripts; saying so before the upload saves a round trip.
const BLOCKED_EXTENSIONS = new Set(["exe", "msi", "bat", "cmd", "com", "scr", "sh", "ps1", "js", "vbs", "jar", "dll", "app"]);

/** Why a file cannot be attached, or null if it may be. */
export function fileProblem(file: { name: string; size: number }): string | null {
  const ext = file.name.includes(".") ? file.name.split(".").pop()!.toLowerCase() : "";
  if (BLOCKED_EXTENSIONS.has(ext)) return `${file.name}: programs and scripts cannot be attached.`;
  if (file.size === 0) return `${file.name}: the file is empty.`;
  if (file.size > MAX_ATTACHMENT_BYTES) return `${file.name}: files may be at most 25 MB.`;
  return null;
}

export async function uploadAttachment(
  ticketId: number,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<UploadedAttachment> {
  const token = await csrfToken();
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/v1/tickets/${ticketId}/attachments`);
    xhr.withCredentials = true;
    xhr.setRequestHeader("X-CSRFToken", token);
    xhr.responseType = "json";
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status === 201) {
        onProgress(1);
        resolve(xhr.response as UploadedAttachment);
      } else {
        const message = xhr.status === 413 ? `${file.name}: the file is too large.` : errorMessage(xhr.status, xhr.response);
        reject(new ApiError(xhr.status, message));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, `${file.name}: the upload failed. Check the connection and try again.`));
    const body = new FormData();
    body.append("file", file, file.name);
    xhr.send(body);
  });
}
