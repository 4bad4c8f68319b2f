// One message's body as core stored it: HTML that core sanitized on the way in (nh3 allow-list:
// no scripts, styles, event handlers or foreign schemes; remote images are also blocked by the
// CSP's img-src), so bold text, lists and links the writer made show as they wrote them.
export function MessageBody({ html }: { html: string }) {
  return <div className="message__body" dangerouslySetInnerHTML={{ __html: html }} />;
}
