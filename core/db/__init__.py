"""The ground floor: database helpers that know no app (hand-written rows, the tenant setting's name)."""
