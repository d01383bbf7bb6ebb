"""Rights over the models added with imports and reminders."""

from django.db import migrations

from biip.grants import grant_to_roles

GRANTS = {
    "Secretariat": ["view_importjob", "add_importjob", "view_reminder"],
    "Administrator": [
        f"{action}_{model}"
        for action in ("view", "add", "change", "delete")
        for model in ("importjob", "reminder")
    ],
}


def grant(apps, schema_editor):
    grant_to_roles(apps, GRANTS, app_label="plans")


class Migration(migrations.Migration):
    dependencies = [
        ("biip", "0004_roles_escalation"),
        ("plans", "0004_import_jobs_and_reminders"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
