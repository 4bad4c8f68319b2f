"""Writes of reports: rollup maintenance (`rollups`) and CSV export jobs (`exports`)."""

from reports.services.exports import (
    export_job_create,
    export_job_run,
    export_job_update,
    export_job_writing,
    export_jobs_expire,
)
from reports.services.rollups import (
    at_grains,
    rollups_catch_up,
    rollups_rebuild,
    rollups_refresh_tickets,
    ticket_facts_many,
)

__all__ = [
    "at_grains",
    "export_job_create",
    "export_job_run",
    "export_job_update",
    "export_job_writing",
    "export_jobs_expire",
    "rollups_catch_up",
    "rollups_rebuild",
    "rollups_refresh_tickets",
    "ticket_facts_many",
]
