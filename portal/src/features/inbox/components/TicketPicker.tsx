// Pick another ticket by its number (#1042) or by words from it: a combobox (type, arrows,
// Enter) over a number lookup or a full-text search of the tenant's tickets.
import { useId, useState, type KeyboardEvent } from "react";

import { useDebounced } from "@/lib/useDebounced";

import { typedNumber, useTicketLookup, type TicketPick } from "../api/related";

type TicketPickerProps = {
  label: string;
  /** The ticket being worked, never offered. */
  excludeId: number;
  picked: TicketPick | null;
  onPick: (ticket: TicketPick | null) => void;
};

export function TicketPicker({ label, excludeId, picked, onPick }: TicketPickerProps) {
  const id = useId();
  const [text, setText] = useState("");
  const [open, setOpen] = useState(false);
  const [highlight, setHighlight] = useState(0);
  const query = useDebounced(text.trim(), 250);
  const lookup = useTicketLookup(query, excludeId);
  const options = lookup.data ?? [];
  const searching = query.length > 0 && (typedNumber(query) !== null || query.length >= 2);

  function choose(ticket: TicketPick) {
    onPick(ticket);
    setText("");
    setOpen(false);
  }

  function onKey(event: KeyboardEvent) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      setOpen(true);
      if (options.length) setHighlight((h) => (h + (event.key === "ArrowDown" ? 1 : -1) + options.length) % options.length);
    } else if (event.key === "Enter") {
      event.preventDefault(); // picking is not submitting
      const option = options[highlight];
      if (open && option) choose(option);
    } else if (event.key === "Escape") {
      setOpen(false);
    }
  }

  if (picked) {
    return (
      <div className="ticket-pick" role="group" aria-label={label}>
        <span>
          <strong>#{picked.number}</strong> {picked.subject} <span className="muted">({picked.status})</span>
        </span>{" "}
        <button type="button" className="link" onClick={() => onPick(null)} aria-label={`Choose another ticket than #${picked.number}`}>
          change
        </button>
      </div>
    );
  }

  const listId = `${id}-list`;
  const showList = open && searching;
  return (
    <div className="ticket-picker">
      <label htmlFor={`${id}-input`}>{label}</label>
      <input
        id={`${id}-input`}
        role="combobox"
        aria-expanded={showList}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={showList && options[highlight] ? `${id}-opt-${options[highlight].id}` : undefined}
        autoComplete="off"
        placeholder="#1042 or words from it"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setHighlight(0);
          setOpen(true);
        }}
        onKeyDown={onKey}
        onFocus={() => setOpen(true)}
        onBlur={() => window.setTimeout(() => setOpen(false), 150)}
      />
      {showList ? (
        <div className="ticket-picker__results card">
          {lookup.isPending || query !== text.trim() ? (
            <p className="muted" role="status">
              Looking…
            </p>
          ) : lookup.isError ? (
            <p className="error" role="alert">
              {lookup.error.message}
            </p>
          ) : options.length === 0 ? (
            <p className="muted" role="status">
              {typedNumber(query) !== null ? `No other ticket is numbered #${typedNumber(query)}.` : `No tickets match “${query}”.`}
            </p>
          ) : null}
          <ul id={listId} role="listbox" aria-label={`${label}: matches`} className="plain-list">
            {options.map((t, index) => (
              <li
                key={t.id}
                id={`${id}-opt-${t.id}`}
                role="option"
                aria-selected={index === highlight}
                className={index === highlight ? "option option--active" : "option"}
                // mousedown, not click: it comes before the input's blur closes the list
                onMouseDown={(e) => {
                  e.preventDefault();
                  choose(t);
                }}
              >
                <strong>#{t.number}</strong> {t.subject} <span className="muted">({t.status})</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
