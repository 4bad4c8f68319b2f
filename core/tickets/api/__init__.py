"""The ticketing REST API: routers for tickets, messages and attachments, settings, search."""
