"""Test helpers shared by every app's tests: factories, clients and the tenant-isolation check."""
