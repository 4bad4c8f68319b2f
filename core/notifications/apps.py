"""Notifications: in-app and email, by who is told what, per user preferences and tenant templates."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
