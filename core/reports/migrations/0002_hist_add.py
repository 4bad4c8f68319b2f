"""reports_hist_add(a, b): element-wise sum of two histograms (NULL counts as all zeros); reports_hist_sum() aggregates it."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION reports_hist_add(a integer[], b integer[]) RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN a IS NULL THEN b
        WHEN b IS NULL THEN a
        ELSE (SELECT array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY i)
              FROM unnest(a, b) WITH ORDINALITY AS t(x, y, i))
    END
$$;
CREATE OR REPLACE AGGREGATE reports_hist_sum(integer[]) (SFUNC = reports_hist_add, STYPE = integer[]);
"""


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [
        migrations.RunSQL(
            FUNCTION,
            "DROP AGGREGATE IF EXISTS reports_hist_sum(integer[]); DROP FUNCTION IF EXISTS reports_hist_add(integer[], integer[])",
        )
    ]
