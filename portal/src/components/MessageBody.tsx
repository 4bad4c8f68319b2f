// One message's text. Core sanitizes HTML on the way in; we still render the plain text,
// which needs no trust in any HTML at all.
export function MessageBody({ text }: { text: string }) {
  return (
    <div className="message__body">
      {text.split(/\n{2,}/).map((paragraph, i) => (
        <p key={i}>{paragraph}</p>
      ))}
    </div>
  );
}
