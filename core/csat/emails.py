"""The rating email: a link per answer, to the tenant's host, signed for this survey.
Queued in the outbound mail outbox under the survey's key, so a retried task mails once.
tenant-queries: allowed (reads one survey inside its tenant's context, like a selector).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from csat.models import CsatSurvey, Scale
from csat.services import survey_link
from email_channel.outbound import outbound_email_queue
from tenancy.context import tenant_context


def csat_email_send(*, tenant_id: int, survey_id: int) -> bool:
    with tenant_context(tenant_id):
        survey = (
            CsatSurvey.objects.select_related("ticket", "requester__user", "tenant")
            .filter(tenant_id=tenant_id, id=survey_id)
            .first()
        )
        if survey is None or survey.rated_at is not None:
            return False
        link = survey_link(survey, survey.tenant)
        answers = ["good", "bad"] if survey.scale == Scale.GOOD_BAD else [str(n) for n in range(5, 0, -1)]
        names = {
            "number": survey.ticket.number,
            "subject": survey.ticket.subject,
            "tenant": survey.tenant.name,
        }
        # In the requester's language; the rating values in the links stay as they are.
        with translation.override(survey.requester.user.mail_language):
            lines = [_("How did we do on #%(number)s %(subject)s?") % names, ""]
            lines += [f"  {answer}: {link}?rating={answer}" for answer in answers]
            lines += ["", _("You can add a comment on the page that opens.")]
            subject = _("[%(tenant)s] How did we do? (#%(number)s)") % names
        outbound_email_queue(
            tenant=survey.tenant,
            dedupe_key=f"csat:{survey.id}",
            to_address=survey.requester.user.email,
            subject=subject,
            body_text="\n".join(lines),
            from_address=settings.DEFAULT_FROM_EMAIL,
        )
        return True
