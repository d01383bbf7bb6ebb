"""The four roles as groups with model permissions, so every database has them.

Row-level rules (an officer changes only the actions of their directorate, an owner
updates only their own risks) are enforced in the views' access helpers; these are the
model-level rights each role starts from.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

APPS = ("biip", "plans", "meetings", "reports")

# (role, {app: {codename prefix: [model names]}}); "*" means every model of the app.
EVERYONE_VIEWS = {app: {"view": ["*"]} for app in APPS}

ROLE_PERMISSIONS = {
    "Council officer": {
        "plans": {
            "add": ["progressupdate"],
            "change": ["action", "progressupdate", "milestone", "challenge", "risk"],
        },
        "meetings": {"change": ["meetingaction"]},
    },
    "Panel member": {
        "plans": {
            "add": ["challenge", "assurance", "smartassessment"],
            "change": ["challenge", "assurance", "smartassessment"],
        },
        "meetings": {"add": ["formaladvice"], "change": ["formaladvice"]},
    },
    "Secretariat": {
        "biip": {"add": ["person", "organisation"], "change": ["person", "organisation"]},
        "plans": {"add": ["*"], "change": ["*"], "delete": ["*"]},
        "meetings": {"add": ["*"], "change": ["*"], "delete": ["*"]},
        "reports": {"add": ["*"], "change": ["*"], "delete": ["*"]},
    },
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(grants):
        found = Permission.objects.none()
        for app_label, actions in grants.items():
            for action, models in actions.items():
                perms = Permission.objects.filter(
                    content_type__app_label=app_label, codename__startswith=f"{action}_"
                )
                if models != ["*"]:
                    perms = perms.filter(codename__in=[f"{action}_{m}" for m in models])
                found = found | perms
        return found

    for role, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(permissions(EVERYONE_VIEWS) | permissions(grants))

    administrator, _ = Group.objects.get_or_create(name="Administrator")
    administrator.permissions.set(Permission.objects.all())


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    names = [*ROLE_PERMISSIONS, "Administrator"]
    Group.objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("biip", "0001_initial"),
        ("plans", "0001_initial"),
        ("meetings", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
