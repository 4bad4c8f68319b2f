"""Reads of ticketing data; every function takes the tenant explicitly."""
