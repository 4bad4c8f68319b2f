// A labelled multi-line input.
import type { TextareaHTMLAttributes } from "react";

type TextAreaProps = TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; id: string };

export function TextArea({ label, id, ...input }: TextAreaProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} rows={6} {...input} />
    </div>
  );
}
