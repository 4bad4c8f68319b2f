"""Core's side of AI triage: the HTTP client of the AI service (see ai/ and docs/user-guide/ai-triage.md)."""
