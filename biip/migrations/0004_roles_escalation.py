"""Rights over the model added with risk escalation: the secretariat's decisions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Council officer": ["view_escalationdecision"],
    "Panel member": ["view_escalationdecision"],
    "Secretariat": ["view_escalationdecision", "add_escalationdecision"],
    "Administrator": [
        f"{action}_escalationdecision" for action in ("view", "add", "change", "delete")
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
        ("biip", "0003_roles_cycle_evidence"),
        ("plans", "0003_risk_escalation_verification_indicator_owner"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
