"""Rights over the models added with the monthly update cycle: evidence files and cycles."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Council officer": ["view_cycle", "view_evidence", "add_evidence"],
    "Panel member": ["view_cycle", "view_evidence"],
    "Secretariat": [
        "view_cycle",
        "add_cycle",
        "change_cycle",
        "view_evidence",
        "add_evidence",
        "delete_evidence",
    ],
    "Administrator": [
        f"{action}_{model}"
        for action in ("view", "add", "change", "delete")
        for model in ("cycle", "evidence")
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
        ("biip", "0002_roles"),
        ("plans", "0002_cycle_evidence_assurance"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
