"""Rights over amendments of agreed minutes and the minutes as published: every role
reads them; the secretariat makes them (through the app's pages); administrators may do
everything the admin allows."""

from django.db import migrations

from biip.grants import grant_to_roles

MODELS = ["minutesamendment", "minutespublication"]


def grant(apps, schema_editor):
    views = [f"view_{model}" for model in MODELS]
    grant_to_roles(
        apps,
        {
            "Council officer": views,
            "Panel member": views,
            "Secretariat": views
            + ["add_minutesamendment", "change_minutesamendment", "add_minutespublication"],
            "Administrator": [
                f"{action}_{model}"
                for action in ("view", "add", "change", "delete")
                for model in MODELS
            ],
        },
        app_label="meetings",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("biip", "0005_roles_imports_reminders"),
        ("meetings", "0004_minutes_amendments_and_publications"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
