"""Writes of accounts: users, audit and API tokens (`users`), members (`members`), self-service
sign-up and password reset (`selfservice`)."""
