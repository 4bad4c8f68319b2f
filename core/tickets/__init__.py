"""Ticketing: tickets, statuses, messages, attachments, custom fields, links, history and search."""
