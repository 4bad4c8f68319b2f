"""The demo data of `make run` (`manage.py seed_demo`): tenants, people, rules and tickets.

At the top: it uses every app's services, and nothing imports it.
"""
