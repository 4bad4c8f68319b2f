"""Automation writes: configuration, the rule engine, triggers, time rules, macros and deliveries."""
