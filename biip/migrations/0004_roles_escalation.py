"""Rights over the model added with risk escalation: the secretariat's decisions."""

from django.db import migrations

from biip.grants import grant_to_roles

GRANTS = {
    "Council officer": ["view_escalationdecision"],
    "Panel member": ["view_escalationdecision"],
    "Secretariat": ["view_escalationdecision", "add_escalationdecision"],
    "Administrator": [
        f"{action}_escalationdecision" for action in ("view", "add", "change", "delete")
    ],
}


def grant(apps, schema_editor):
    grant_to_roles(apps, GRANTS, app_label="plans")


class Migration(migrations.Migration):
    dependencies = [
        ("biip", "0003_roles_cycle_evidence"),
        ("plans", "0003_risk_escalation_verification_indicator_owner"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
