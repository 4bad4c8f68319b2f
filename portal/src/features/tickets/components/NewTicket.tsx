// The customer's "new request" form.
import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Field } from "@/components/Field";
import { TextArea } from "@/components/TextArea";

import { useCreateTicket } from "../api/tickets";

export function NewTicket() {
  const create = useCreateTicket();
  const navigate = useNavigate();
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { subject: subject.trim(), body_text: body },
      { onSuccess: (ticket) => navigate(`/portal/tickets/${ticket.id}`) },
    );
  }

  return (
    <div className="stack narrow">
      <p>
        <Link to="/portal">← My requests</Link>
      </p>
      <h1>New request</h1>
      <form onSubmit={submit} className="card" aria-label="New request">
        <Field
          id="subject"
          label="Subject"
          required
          maxLength={250}
          value={subject}
          onChange={(e) => setSubject(e.target.value)}
        />
        <TextArea
          id="description"
          label="How can we help?"
          required
          value={body}
          onChange={(e) => setBody(e.target.value)}
        />
        {create.isError ? <ErrorMessage error={create.error} /> : null}
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? "Sending…" : "Send request"}
        </button>
      </form>
    </div>
  );
}
