"""Writes to ticketing data, one module per concern; every function takes the tenant explicitly."""
