"""Granting the roles (groups) model permissions from a data migration: the later
migrations that add models give each role its rights on them through `grant_to_roles`."""

from django.contrib.auth.management import create_permissions


def grant_to_roles(apps, grants: dict[str, list[str]], *, app_label: str) -> None:
    """Give each role (group name) the permissions named by codename in `app_label`,
    creating the permissions first (a migration runs before post_migrate would)."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in grants.items():
        group = Group.objects.get(name=role)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
