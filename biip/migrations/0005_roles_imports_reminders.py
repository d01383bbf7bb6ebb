"""Rights over the models added with imports and reminders."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Secretariat": ["view_importjob", "add_importjob", "view_reminder"],
    "Administrator": [
        f"{action}_{model}"
        for action in ("view", "add", "change", "delete")
        for model in ("importjob", "reminder")
    ],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group = Group.objects.get(name=role)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="plans", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("biip", "0004_roles_escalation"),
        ("plans", "0004_import_jobs_and_reminders"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
