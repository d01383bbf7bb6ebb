from django.conf import settings
from django.urls import reverse

from biip.models import Role

# (label, URL name, the URL names under which the item is the current section, roles
# that see it: None for every signed-in user)
SECTIONS = [
    ("Home", "home", {"home"}, None),
    ("My actions", "my-actions", {"my-actions", "action-update"}, {Role.OFFICER}),
    ("Actions", "actions", {"actions", "action"}, None),
    ("Challenges", "challenges", {"challenges", "action-challenge", "challenge-reply"}, None),
    (
        "Cycle",
        "cycle-status",
        {"cycle-status"},
        {Role.PANEL, Role.SECRETARIAT, Role.ADMINISTRATOR},
    ),
    (
        "Plans",
        "plans",
        {"plans", "plan", "plan-create", "plan-edit", "action-create", "action-edit"},
        None,
    ),
    (
        "Meetings",
        "meetings",
        {
            "meetings",
            "meeting",
            "meeting-create",
            "meeting-edit",
            "attendance",
            "attendance-edit",
            "agenda-item-create",
            "agenda-item-edit",
            "minute-create",
            "minute-edit",
            "meeting-action-create",
            "formal-advice",
            "minutes-document",
        },
        None,
    ),
    (
        "Action log",
        "action-log",
        {
            "action-log",
            "meeting-action",
            "meeting-action-edit",
            "meeting-action-remove",
            "meeting-action-update",
            "meeting-action-promote",
        },
        None,
    ),
    (
        "Risks",
        "risks",
        {
            "risks",
            "risk",
            "risk-heat-map",
            "risk-movement",
            "risk-update",
            "risk-escalate",
            "advisers",
        },
        None,
    ),
    (
        "Indicators",
        "indicators",
        {"indicators", "indicator", "indicator-value-add", "indicator-value-edit"},
        None,
    ),
    (
        "Reports",
        "reports",
        {
            "reports",
            "report-create",
            "report",
            "report-edit",
            "report-section-edit",
            "report-version",
            "snapshots",
            "snapshot",
        },
        None,
    ),
    (
        "Recommendations",
        "recommendations",
        {
            "recommendations",
            "coverage",
            "recommendation-create",
            "recommendation-edit",
            "recommendation",
            "recommendation-addressed",
            "recommendation-verified",
            "audit",
        },
        None,
    ),
    (
        "Change log",
        "changes",
        {"changes", "deleted-actions", "action-delete"},
        {Role.SECRETARIAT, Role.ADMINISTRATOR},
    ),
]


def service(request):
    """The service name, for the header and page titles, and the navigation the user's
    roles give them, with the current section marked."""
    context = {"service_name": settings.SERVICE_NAME, "navigation": []}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    roles = {group.name for group in user.groups.all()}
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else None
    for label, name, section, allowed in SECTIONS:
        if allowed is None or roles & {role.value for role in allowed}:
            context["navigation"].append(
                {"label": label, "url": reverse(name), "active": current in section}
            )
    if user.is_staff:
        context["navigation"].append(
            {"label": "Admin", "url": reverse("admin:index"), "active": False}
        )
    return context
