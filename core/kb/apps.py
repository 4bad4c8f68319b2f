"""Knowledge base app configuration."""

from django.apps import AppConfig


class KbConfig(AppConfig):
    name = "kb"
    verbose_name = "Knowledge base"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kb import subscribers  # noqa: F401  (registers its event subscribers)
        from kb.links import articles_for_message
        from tickets.services.article_links import article_resolver_register

        # Messages link articles through this: tickets never import kb.
        article_resolver_register(articles_for_message)
