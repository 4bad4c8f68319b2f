// A small rich text field: bold, italic, bulleted and numbered lists, links. The browser's own
// editing (contenteditable + execCommand) does the work, so it costs a few KiB and no library;
// core sanitizes the HTML it receives (nh3 allow-list), so nothing here has to be trusted.
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";

import { escapeHtml, liftListsOutOfParagraphs, linkAddress, plainText } from "@/lib/richText";

export type RichValue = { html: string; text: string };

type Command = "bold" | "italic" | "insertUnorderedList" | "insertOrderedList";

const BUTTONS: { command: Command | "link"; label: string; text: string; keys?: string }[] = [
  { command: "bold", label: "Bold", text: "B", keys: "Control+B" },
  { command: "italic", label: "Italic", text: "I", keys: "Control+I" },
  { command: "insertUnorderedList", label: "Bulleted list", text: "• List" },
  { command: "insertOrderedList", label: "Numbered list", text: "1. List" },
  { command: "link", label: "Link", text: "Link", keys: "Control+K" },
];

type RichTextEditorProps = {
  id: string;
  label: string;
  onChange: (value: RichValue) => void;
  required?: boolean;
  /** Shown under the field and announced (for example "Describe your request."). */
  error?: string;
  placeholder?: string;
  disabled?: boolean;
};

/** Runs an editing command; false where the browser has none (jsdom), so callers can fall back. */
function run(command: string, value?: string): boolean {
  try {
    return typeof document.execCommand === "function" && document.execCommand(command, false, value);
  } catch {
    return false;
  }
}

function insertTextAtCursor(text: string) {
  if (run("insertText", text)) return;
  const selection = window.getSelection();
  const range = selection?.rangeCount ? selection.getRangeAt(0) : null;
  if (!range) return;
  range.deleteContents();
  const node = document.createTextNode(text);
  range.insertNode(node);
  range.setStartAfter(node);
  selection?.removeAllRanges();
  selection?.addRange(range);
}

export function RichTextEditor({ id, label, onChange, required, error, placeholder, disabled }: RichTextEditorProps) {
  const editor = useRef<HTMLDivElement>(null);
  const savedRange = useRef<Range | null>(null);
  const labelId = useId();
  const errorId = useId();
  const [active, setActive] = useState<Record<string, boolean>>({});
  const [focusIndex, setFocusIndex] = useState(0);
  const [linking, setLinking] = useState(false);
  const [address, setAddress] = useState("");
  const [linkError, setLinkError] = useState("");
  const [empty, setEmpty] = useState(true);
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);

  useEffect(() => {
    run("defaultParagraphSeparator", "p"); // Enter starts a <p>, not a browser-specific <div>
    // Which formats apply at the cursor, for the buttons' pressed state.
    const update = () => {
      const selection = window.getSelection();
      if (!selection?.anchorNode || !editor.current?.contains(selection.anchorNode)) return;
      const state = (c: string) => {
        try {
          return document.queryCommandState(c);
        } catch {
          return false;
        }
      };
      setActive({ bold: state("bold"), italic: state("italic"), insertUnorderedList: state("insertUnorderedList"), insertOrderedList: state("insertOrderedList") });
    };
    document.addEventListener("selectionchange", update);
    return () => document.removeEventListener("selectionchange", update);
  }, []);

  function changed() {
    const root = editor.current;
    if (!root) return;
    const text = plainText(root);
    setEmpty(!text);
    // An emptied field keeps a stray <br> or <p>; report it as empty so "required" holds.
    onChange({ html: text ? root.innerHTML : "", text });
  }

  /** Text typed into the bare field would sit outside any block, and a list made from it
   *  would land inside a <p> (invalid HTML that the sanitizer splits): start in a paragraph. */
  function startParagraph() {
    const root = editor.current;
    if (!root || root.firstChild) return;
    root.innerHTML = "<p><br></p>";
    const range = document.createRange();
    range.setStart(root.firstChild!, 0);
    range.collapse(true);
    window.getSelection()?.removeAllRanges();
    window.getSelection()?.addRange(range);
  }

  function format(command: Command) {
    const root = editor.current;
    if (!root) return;
    root.focus();
    run(command);
    if (command === "insertUnorderedList" || command === "insertOrderedList") {
      const selection = window.getSelection();
      const caret = selection?.anchorNode ? ([selection.anchorNode, selection.anchorOffset] as const) : null;
      liftListsOutOfParagraphs(root);
      if (caret && root.contains(caret[0])) selection?.collapse(caret[0], caret[1]);
    }
    changed();
  }

  function startLink() {
    const selection = window.getSelection();
    const range = selection?.rangeCount ? selection.getRangeAt(0) : null;
    savedRange.current = range && editor.current?.contains(range.commonAncestorContainer) ? range.cloneRange() : null;
    setLinkError("");
    setAddress("");
    setLinking(true);
  }

  function addLink() {
    const href = linkAddress(address);
    if (!href) {
      setLinkError("Enter a web address (https://…) or an email address.");
      return;
    }
    const root = editor.current;
    if (!root) return;
    root.focus();
    const selection = window.getSelection();
    if (savedRange.current && selection) {
      selection.removeAllRanges();
      selection.addRange(savedRange.current);
    }
    const collapsed = !selection?.rangeCount || selection.getRangeAt(0).collapsed;
    const done = collapsed
      ? run("insertHTML", `<a href="${escapeHtml(href)}">${escapeHtml(address.trim())}</a>`)
      : run("createLink", href);
    if (!done) root.insertAdjacentHTML("beforeend", ` <a href="${escapeHtml(href)}">${escapeHtml(address.trim())}</a>`);
    setLinking(false);
    changed();
  }

  function onToolbarKey(event: KeyboardEvent) {
    // One tab stop for the toolbar; arrows move between its buttons (the WAI-ARIA toolbar pattern).
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1 };
    let next = focusIndex;
    if (event.key in moves) next = (focusIndex + moves[event.key]! + BUTTONS.length) % BUTTONS.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = BUTTONS.length - 1;
    else return;
    event.preventDefault();
    setFocusIndex(next);
    buttons.current[next]?.focus();
  }

  function onEditorKey(event: KeyboardEvent) {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k") {
      event.preventDefault();
      startLink();
    }
  }

  return (
    <div className="field rich-text">
      <span id={labelId} className="label" onClick={() => editor.current?.focus()}>
        {label}
      </span>
      <div role="toolbar" aria-label="Formatting" aria-controls={id} className="rich-text__toolbar" onKeyDown={onToolbarKey}>
        {BUTTONS.map((b, index) => (
          <button
            key={b.command}
            ref={(el) => {
              buttons.current[index] = el;
            }}
            type="button"
            tabIndex={index === focusIndex ? 0 : -1}
            aria-label={b.label}
            aria-pressed={b.command === "link" ? undefined : Boolean(active[b.command])}
            aria-keyshortcuts={b.keys}
            title={b.keys ? `${b.label} (${b.keys.replace("Control", "Ctrl")})` : b.label}
            disabled={disabled}
            // Keep the editor's selection: a mousedown on a button would otherwise take it away.
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => (b.command === "link" ? startLink() : format(b.command))}
            className={b.command === "bold" ? "strong" : b.command === "italic" ? "em" : undefined}
          >
            {b.text}
          </button>
        ))}
      </div>
      {linking ? (
        <div className="inline-form rich-text__link" role="group" aria-label="Add a link">
          <label htmlFor={`${id}-link`}>Link address</label>
          <input
            id={`${id}-link`}
            autoFocus
            value={address}
            aria-invalid={linkError ? true : undefined}
            onChange={(e) => setAddress(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault(); // not the surrounding form's submit
                addLink();
              } else if (e.key === "Escape") {
                setLinking(false);
                editor.current?.focus();
              }
            }}
          />
          <button type="button" onClick={addLink}>
            Add link
          </button>
          <button type="button" onClick={() => setLinking(false)}>
            Cancel
          </button>
          {linkError ? (
            <p className="field-error" role="alert">
              {linkError}
            </p>
          ) : null}
        </div>
      ) : null}
      <div
        id={id}
        ref={editor}
        className={empty ? "rich-text__area rich-text__area--empty" : "rich-text__area"}
        role="textbox"
        aria-multiline="true"
        aria-labelledby={labelId}
        aria-required={required || undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        aria-disabled={disabled || undefined}
        data-placeholder={placeholder}
        contentEditable={!disabled}
        suppressContentEditableWarning
        tabIndex={0}
        onFocus={startParagraph}
        onInput={changed}
        onKeyDown={onEditorKey}
        onPaste={(e) => {
          // Pasted pages bring their own markup and styles; keep the words, format them here.
          e.preventDefault();
          insertTextAtCursor(e.clipboardData.getData("text/plain"));
          changed();
        }}
      />
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
