"""The accounts REST API: sessions and tokens (`sessions`), self-service sign-up and password
reset (`selfservice`), the tenant and its members (`tenant`)."""
