"""Who may do what with an action: the access helpers every view fetches through.

Reading the programme is open to every signed-in role. Updating an action (and answering
its challenges) is for its lead officer, the officers of its directorate, the secretariat
and administrators. Assurance and challenge are the panel's (and the secretariat's on its
behalf). Managing plans is the secretariat's.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from biip.models import Person, Role
from plans.models import Action, Indicator, Risk


def has_role(user, *roles: Role) -> bool:
    names = {role.value for role in roles}
    return user.is_authenticated and any(g.name in names for g in user.groups.all())


def person_of(user) -> Person | None:
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def can_update_action(user, action: Action) -> bool:
    if has_role(user, Role.SECRETARIAT, Role.ADMINISTRATOR):
        return True
    if not has_role(user, Role.OFFICER):
        return False
    person = person_of(user)
    if person is None:
        return False
    return action.lead_officer_id == person.pk or (
        person.directorate_id is not None and person.directorate_id == action.directorate_id
    )


def can_assure(user) -> bool:
    return has_role(user, Role.PANEL, Role.SECRETARIAT, Role.ADMINISTRATOR)


def can_see_cycle_status(user) -> bool:
    """The update cycle page (who has updated for the month) is the panel's and the
    secretariat's (and administrators')."""
    return has_role(user, Role.PANEL, Role.SECRETARIAT, Role.ADMINISTRATOR)


def can_manage_plans(user) -> bool:
    return has_role(user, Role.SECRETARIAT, Role.ADMINISTRATOR)


def get_action_for_view(user, pk: int) -> Action:
    """Any signed-in role may read an action; 404 if there is none."""
    if not user.is_authenticated:
        raise PermissionDenied
    return get_object_or_404(
        Action.objects.select_related(
            "plan", "theme", "directorate", "lead_officer", "lead_member"
        ),
        pk=pk,
    )


def get_action_for_update(user, pk: int) -> Action:
    """The action, if the user may update it: 404 if there is none, 403 if not theirs."""
    action = get_action_for_view(user, pk)
    if not can_update_action(user, action):
        raise PermissionDenied("Only the action's officers and the secretariat may update it.")
    return action


def _officer_of(user, *, owner_id: int | None, directorate_id: int | None) -> bool:
    """An officer who is the owner, or an officer of the record's directorate."""
    if not has_role(user, Role.OFFICER):
        return False
    person = person_of(user)
    if person is None:
        return False
    return owner_id == person.pk or (
        person.directorate_id is not None and person.directorate_id == directorate_id
    )


def can_update_risk(user, risk: Risk) -> bool:
    """The risk's owner and their directorate's officers (as for actions), the secretariat
    and administrators."""
    if has_role(user, Role.SECRETARIAT, Role.ADMINISTRATOR):
        return True
    return _officer_of(user, owner_id=risk.owner_id, directorate_id=risk.directorate_id)


def get_risk_for_view(user, pk: int) -> Risk:
    if not user.is_authenticated:
        raise PermissionDenied
    return get_object_or_404(Risk.objects.select_related("owner", "directorate"), pk=pk)


def get_risk_for_update(user, pk: int) -> Risk:
    """The risk, if the user may update it: 404 if there is none, 403 if not theirs."""
    risk = get_risk_for_view(user, pk)
    if not can_update_risk(user, risk):
        raise PermissionDenied("Only the risk's owner, its directorate and the secretariat.")
    return risk


def can_enter_indicator_values(user, indicator: Indicator) -> bool:
    """The indicator's owner, the secretariat and administrators."""
    if has_role(user, Role.SECRETARIAT, Role.ADMINISTRATOR):
        return True
    person = person_of(user) if user.is_authenticated else None
    return person is not None and indicator.owner_id == person.pk


def get_indicator_for_view(user, pk: int) -> Indicator:
    if not user.is_authenticated:
        raise PermissionDenied
    return get_object_or_404(Indicator.objects.select_related("owner", "directorate"), pk=pk)


def get_indicator_for_values(user, pk: int) -> Indicator:
    """The indicator, if the user may enter its values: 404 if none, 403 if not theirs."""
    indicator = get_indicator_for_view(user, pk)
    if not can_enter_indicator_values(user, indicator):
        raise PermissionDenied("Only the indicator's owner and the secretariat enter values.")
    return indicator


def can_claim_addressed(user) -> bool:
    """Council officers claim a recommendation addressed (the secretariat may record it)."""
    return has_role(user, Role.OFFICER, Role.SECRETARIAT, Role.ADMINISTRATOR)


def can_verify(user) -> bool:
    """The panel verifies a recommendation (the secretariat records the auditor's)."""
    return has_role(user, Role.PANEL, Role.SECRETARIAT, Role.ADMINISTRATOR)
