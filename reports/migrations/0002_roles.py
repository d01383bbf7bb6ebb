"""Rights over snapshots and reports: every role reads them; the secretariat closes cycles
(snapshots) and writes and generates reports; administrators may do everything."""

from django.db import migrations

from biip.grants import grant_to_roles

SNAPSHOTS = [
    "snapshot",
    "actionsnapshot",
    "risksnapshot",
    "indicatorsnapshot",
    "meetingactionsnapshot",
    "recommendationsnapshot",
]
REPORTS = ["report", "reportsection", "reportversion"]


def grant(apps, schema_editor):
    views = [f"view_{model}" for model in SNAPSHOTS + REPORTS]
    grant_to_roles(
        apps,
        {
            "Council officer": views,
            "Panel member": views,
            "Secretariat": views
            + ["add_snapshot"]
            + [f"{action}_{model}" for action in ("add", "change") for model in REPORTS],
            "Administrator": [
                f"{action}_{model}"
                for action in ("view", "add", "change", "delete")
                for model in SNAPSHOTS + REPORTS
            ],
        },
        app_label="reports",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("biip", "0005_roles_imports_reminders"),
        ("reports", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
