// Core's search snippets are escaped text with <mark> around matches; anything else is dropped.
export function markedText(snippetHtml: string): { text: string; marked: boolean }[] {
  const parts: { text: string; marked: boolean }[] = [];
  const decode = (s: string) =>
    s
      .replace(/<[^>]*>/g, "")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&#x27;|&#39;/g, "'")
      .replace(/&amp;/g, "&");
  const re = /<mark>(.*?)<\/mark>/gs;
  let last = 0;
  for (const match of snippetHtml.matchAll(re)) {
    if (match.index > last) parts.push({ text: decode(snippetHtml.slice(last, match.index)), marked: false });
    parts.push({ text: decode(match[1] ?? ""), marked: true });
    last = match.index + match[0].length;
  }
  if (last < snippetHtml.length) parts.push({ text: decode(snippetHtml.slice(last)), marked: false });
  return parts.filter((p) => p.text);
}

export function HtmlSnippet({ html }: { html: string }) {
  return (
    <>
      {markedText(html).map((part, i) => (part.marked ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
    </>
  );
}
