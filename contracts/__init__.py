"""Schemas shared by the Python services (core, worker, ai, realtime): events and service calls."""
