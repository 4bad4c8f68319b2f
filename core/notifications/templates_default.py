"""Default email wording per event type (a tenant overrides it with a NotificationTemplate row).

Templates use Django's template language with: tenant, branding, recipient, data (the
event payload), title, ticket_url. HTML is autoescaped; the text version is not HTML.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

TITLES: dict[str, str] = {
    "ticket.created": _("New ticket #{number}: {subject}"),
    "ticket.assigned": _("Ticket #{number} was assigned to you"),
    "message.added": _("New reply on ticket #{number}"),
    "ticket.status_changed": _("Ticket #{number} is now {status}"),
    "sla.warning": _("SLA warning on ticket #{number}"),
    "sla.breached": _("SLA breached on ticket #{number}"),
    "rule.notify": _("Ticket #{number}: {body_text}"),
}
# The kind of notifications sent by automation rules (`notify` action); not a domain event,
# but members set preferences for it like for one.
RULE_NOTIFY = "rule.notify"

SUBJECT = "[{{ tenant.name }} #{{ data.number }}] {{ title }}"

TEXT = """{{ title }}
{% if data.body_text %}
{{ data.body_text }}
{% endif %}
{{ ticket_url }}

-- {{ tenant.name }}
"""

HTML = """<div style="font-family:sans-serif">
{% if branding.logo_url %}<img src="{{ branding.logo_url }}" alt="{{ tenant.name }}" height="32">{% endif %}
<h2 style="color:{{ branding.primary_color|default:'#1f2937' }}">{{ title }}</h2>
{% if data.body_text %}<div style="white-space:pre-wrap">{{ data.body_text }}</div>{% endif %}
<p><a href="{{ ticket_url }}">{{ open_ticket|default:"Open ticket" }}</a></p>
<p style="color:#6b7280">{{ tenant.name }}</p></div>
"""

DIGEST_SUBJECT = "[{{ tenant.name }}] {{ count }} update{{ count|pluralize }}"
DIGEST_TEXT = """{% for n in notifications %}- {{ n.title }}
{% endfor %}"""
DIGEST_HTML = """<ul>{% for n in notifications %}<li>{{ n.title }}</li>{% endfor %}</ul>"""


def title_for(event_type: str, data: dict) -> str:
    # Marked with gettext_noop above, translated here into the active language.
    pattern = gettext(TITLES[event_type]) if event_type in TITLES else event_type
    try:
        return pattern.format(**{"subject": "", **data})[:300]
    except (KeyError, IndexError, ValueError):
        return event_type
