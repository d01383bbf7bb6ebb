# When a report version was last heard of, to tell a stalled generation (its worker
# stopped) from one still running. Existing rows take the migration's moment.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_history_version_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalreportversion",
            name="updated_at",
            field=models.DateTimeField(
                blank=True,
                default=django.utils.timezone.now,
                editable=False,
                help_text="Last sign of the work: asked for, started, moved on, ended",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="reportversion",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True,
                default=django.utils.timezone.now,
                help_text="Last sign of the work: asked for, started, moved on, ended",
            ),
            preserve_default=False,
        ),
    ]
