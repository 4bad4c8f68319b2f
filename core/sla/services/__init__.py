"""SLA writes: configuration, clocks of tickets, and the due-time sweep."""
