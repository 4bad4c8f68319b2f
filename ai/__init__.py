"""Frontline AI service: triage, similarity and per-tenant training behind a service token."""
