"""Writes that touch several rows, each one function: keyword-only and typed, taking the
acting user, checking their permission, running in one transaction and full_clean()ing
every row it saves. Every saved row's history records the acting user, whether the call
comes from a request or not.

Monthly updates: there is one update per action per month (a database constraint). A second
submission for the same month revises that update in place: the update's history keeps
every earlier version, evidence files are added to those already attached, and the author
becomes whoever made the latest claim.

Risks: an owner's update of a risk is refused (Conflict) if anyone saved the risk
after the form was opened; the secretariat's escalation decisions are recorded with who,
when, why and the score they were taken at.
"""

import datetime
from collections.abc import Iterable, Sequence
from pathlib import PurePath
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format

from biip.models import RAG, Role
from plans import emails
from plans.access import (
    can_assure,
    can_manage_plans,
    can_update_action,
    can_update_risk,
    has_role,
)
from plans.models import (
    Action,
    Assurance,
    AssuranceStatus,
    Challenge,
    EscalationDecision,
    Evidence,
    Milestone,
    ProgressUpdate,
    Risk,
    current_period,
)

# The ratings an update may claim (not "not yet rated"), worst first.
RATINGS = (RAG.RED, RAG.AMBER, RAG.GREEN, RAG.BLUE)
MAX_FILES = 10
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word, Excel and PowerPoint 97-2003
ZIP = b"PK\x03\x04"  # .docx, .xlsx, .pptx are zip packages
# Each allowed extension: the content type it is stored and served as, and the first bytes
# a real file of that kind starts with. The browser's claimed type is never trusted.
FILE_KINDS: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".doc": ("application/msword", (OLE2,)),
    ".xls": ("application/vnd.ms-excel", (OLE2,)),
    ".ppt": ("application/vnd.ms-powerpoint", (OLE2,)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (ZIP,),
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (ZIP,)),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (ZIP,),
    ),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
}
KINDS_IN_WORDS = "a PDF, a Word, Excel or PowerPoint document, or a PNG, JPEG or GIF image"
# Model field names that a form calls differently.
FORM_FIELD = {"evidence": "evidence_links"}


class Conflict(Exception):
    """The record (an action or a risk) changed after the form was opened (someone else
    saved an update, an assurance decision or an edit): nothing was written. Carries the
    record as it is now and its current version, so the form can show what changed and be
    submitted again."""

    def __init__(self, record: Action | Risk, *, seen_version: int | None, version: int):
        super().__init__(
            f"{record.reference} changed since the form was opened "
            f"(version {seen_version}, now {version})"
        )
        self.record = record
        self.seen_version = seen_version
        self.version = version

    @property
    def action(self) -> Action:
        return self.record

    @property
    def risk(self) -> Risk:
        return self.record


def version_of(record: models.Model) -> int:
    """The record's latest history id: it changes whenever anyone saves the record."""
    version = record.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return version or 0


def action_version(action: Action) -> int:
    return version_of(action)


def latest_version(model: type[models.Model]) -> models.Subquery:
    """version_of() for each row of a queryset of `model`, as an annotation."""
    history = model.history.model
    return models.Subquery(
        history.objects.filter(id=models.OuterRef("pk"))
        .order_by("-history_id")
        .values("history_id")[:1]
    )


def _save(obj: models.Model, user: AbstractBaseUser) -> None:
    """Validate (fields, clean() and constraints), then save with history by `user`."""
    try:
        obj.full_clean()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise ValidationError(
                {FORM_FIELD.get(key, key): value for key, value in error.error_dict.items()}
            ) from error
        raise
    obj._history_user = user
    obj.save()


def _lines(text: str) -> str:
    """One item a line, trimmed, blank lines left out."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def file_kind(upload: UploadedFile) -> str:
    """The content type of an uploaded evidence file, from its extension and its first
    bytes; ValidationError (naming the file) if it is not an accepted kind or too big."""
    name = PurePath(upload.name or "").name
    kind = FILE_KINDS.get(PurePath(name).suffix.lower())
    if kind is None:
        raise ValidationError(f"“{name}” must be {KINDS_IN_WORDS}.")
    if not upload.size:
        raise ValidationError(f"“{name}” is empty: choose the file again, or another.")
    if upload.size > Evidence.MAX_BYTES:
        raise ValidationError(f"“{name}” is larger than 10 MB: each file must be 10 MB or less.")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    content_type, signatures = kind
    if not head.startswith(signatures):
        raise ValidationError(
            f"“{name}” is not a real {PurePath(name).suffix.lower()[1:].upper()} file: "
            "its contents do not match its name."
        )
    return content_type


def _original_name(upload: UploadedFile) -> str:
    """The user's file name, kept only as data (the stored file has a random name)."""
    path = PurePath(PurePath(upload.name or "evidence").name)
    suffix = path.suffix[:20]
    return path.stem[: 255 - len(suffix)] + suffix


def _update_errors(
    *,
    user: AbstractBaseUser,
    action: Action,
    period: datetime.date,
    rag: str,
    narrative: str,
    files: Sequence[UploadedFile],
    revised_due_date: datetime.date | None,
    revision_reason: str,
    completed_on: datetime.date | None,
) -> dict[str, list[str]]:
    """Every problem with an update, by form field, so all are reported at once."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if rag not in RATINGS:
        add("rag", "Choose how the action is going: Red, Amber, Green or Blue.")
    if not narrative.strip():
        if rag in (RAG.RED, RAG.AMBER):
            add(
                "narrative",
                "Say what is being done to bring the action back on track: a Red or Amber "
                "update needs a narrative.",
            )
        else:
            add("narrative", "Enter a narrative: what has happened on the action this month.")
    today = timezone.localdate()
    if rag == RAG.BLUE and completed_on is None:
        add("completed_on", "Enter the date the action was completed: Blue means complete.")
    elif rag != RAG.BLUE and completed_on is not None:
        add(
            "completed_on",
            "Only a Blue (complete) update has a completion date: choose Blue, or clear the date.",
        )
    elif completed_on is not None and completed_on > today:
        add("completed_on", "The completion date cannot be in the future.")
    if revised_due_date is not None and not revision_reason.strip():
        add("revision_reason", "Say why the due date moves: a revised due date needs a reason.")
    if revised_due_date is None and revision_reason.strip():
        add("revised_due_date", "Enter the revised due date, or clear the reason.")
    if revised_due_date and action.start_date and revised_due_date < action.start_date:
        add(
            "revised_due_date",
            "The revised due date cannot be before the action started "
            f"({date_format(action.start_date)}).",
        )
    current = current_period(today)
    if period.day != 1:
        add("period", "The period is the first day of a month.")
    elif period != current and not has_role(user, Role.SECRETARIAT, Role.ADMINISTRATOR):
        add(
            "period",
            f"Updates are for the current cycle, {current:%B %Y}: only the secretariat can "
            "give an update for another month.",
        )
    if len(files) > MAX_FILES:
        add("files", f"Choose at most {MAX_FILES} files at a time.")
    for upload in files:
        try:
            file_kind(upload)
        except ValidationError as error:
            errors.setdefault("files", []).extend(error.messages)
    return errors


def _milestones(action: Action, chosen: Iterable[Milestone | int]) -> list[Milestone]:
    """The chosen milestones, which must be this action's; those already complete are
    left as they are."""
    pks = {item.pk if isinstance(item, Milestone) else int(item) for item in chosen}
    found = list(Milestone.objects.filter(action=action, pk__in=pks))
    if len(found) != len(pks):
        raise ValidationError({"completed_milestones": "Choose only this action's milestones."})
    return [milestone for milestone in found if milestone.completed_on is None]


def record_update(
    *,
    user: AbstractBaseUser,
    action: Action,
    period: datetime.date,
    rag: str,
    narrative: str,
    evidence_links: str = "",
    files: Sequence[UploadedFile] = (),
    completed_milestones: Iterable[Milestone | int] = (),
    revised_due_date: datetime.date | None = None,
    revision_reason: str = "",
    completed_on: datetime.date | None = None,
    seen_version: int,
) -> ProgressUpdate:
    """Record (or, for a month already updated, revise) the monthly update on an action:
    store its evidence files, complete the chosen milestones and move the action (RAG,
    completion, revised due date; assurance back to "not yet reviewed", since a new claim
    needs new assurance).

    `seen_version` is action_version() when the form was opened: if the action changed
    since, raise Conflict and write nothing. Bad input raises ValidationError keyed by
    form field (rag, narrative, evidence_links, files, completed_milestones, completed_on,
    revised_due_date, revision_reason, period). The action moves only if this is its latest
    month's update (the secretariat may fill in an earlier month)."""
    if not can_update_action(user, action):
        raise PermissionDenied("Only the action's officers and the secretariat may update it.")
    files = list(files)
    stored: list[str] = []
    try:
        with transaction.atomic():
            action = Action.objects.select_for_update().get(pk=action.pk)
            version = action_version(action)
            if version != seen_version:
                raise Conflict(action, seen_version=seen_version, version=version)
            errors = _update_errors(
                user=user,
                action=action,
                period=period,
                rag=rag,
                narrative=narrative,
                files=files,
                revised_due_date=revised_due_date,
                revision_reason=revision_reason,
                completed_on=completed_on,
            )
            if errors:
                raise ValidationError(errors)
            milestones = _milestones(action, completed_milestones)
            now = timezone.now()

            update = action.updates.filter(period=period).first() or ProgressUpdate(
                action=action, period=period, created_at=now
            )
            update.rag = rag
            update.narrative = narrative.strip()
            update.evidence = _lines(evidence_links)
            update.completed_on = completed_on if rag == RAG.BLUE else None
            update.revised_due_date = revised_due_date
            update.revision_reason = revision_reason.strip() if revised_due_date else ""
            update.author = user
            _save(update, user)

            for upload in files:
                evidence = Evidence(
                    update=update,
                    original_name=_original_name(upload),
                    content_type=file_kind(upload),
                    size=upload.size,
                    uploaded_by=user,
                    uploaded_at=now,
                )
                evidence.file.save(evidence.original_name, upload, save=False)
                stored.append(evidence.file.name)
                _save(evidence, user)

            for milestone in milestones:
                milestone.completed_on = timezone.localdate()
                _save(milestone, user)

            if not action.updates.filter(period__gt=period).exists():
                action.rag = rag
                action.completed_on = update.completed_on
                action.last_update_at = now
                action.assurance = AssuranceStatus.NOT_REVIEWED
                action.assured_rag = ""
                if revised_due_date is not None:
                    action.revised_due_date = revised_due_date
                    action.revision_reason = update.revision_reason
                _save(action, user)
    except BaseException:
        for name in stored:  # the rows are rolled back: leave no orphan files behind
            default_storage.delete(name)
        raise
    return update


class UpdatesRefused(Exception):
    """Some of several updates were refused, so none was saved. `problems` maps each
    refused action's id to its Conflict or ValidationError."""

    def __init__(self, problems: dict[int, "Conflict | ValidationError"]):
        super().__init__(f"{len(problems)} of the updates were refused")
        self.problems = problems


def record_updates(
    *,
    user: AbstractBaseUser,
    updates: Sequence[tuple[Action, dict[str, Any]]],
    check_only: bool = False,
) -> list[ProgressUpdate]:
    """Several monthly updates saved together (the bulk update grid): each (action,
    record_update's keyword arguments) through record_update, its rules and conflict
    detection, in one transaction. Every row is tried, so all refusals are found at once;
    if any is refused, nothing is saved and UpdatesRefused names them. With `check_only`,
    the rows are checked the same way and nothing is saved either way."""
    saved, problems = [], {}
    with transaction.atomic():
        for action, fields in updates:
            try:
                saved.append(record_update(user=user, action=action, **fields))
            except (Conflict, ValidationError) as error:
                problems[action.pk] = error
        if problems or check_only:
            transaction.set_rollback(True)
    if problems:
        raise UpdatesRefused(problems)
    return [] if check_only else saved


def _latest_update_id(action: Action) -> int | None:
    return action.updates.order_by("-period").values_list("pk", flat=True).first()


def record_assurance(
    *,
    user: AbstractBaseUser,
    update: ProgressUpdate,
    decision: str,
    assured_rag: str = "",
    comment: str = "",
    question: str = "",
) -> Assurance:
    """The panel's (or the secretariat's) decision on an update's RAG. Challenged needs a
    question, which is raised as a Challenge on the action and the update; not assured
    needs a comment saying why. Assured with no assured RAG assures the officer's RAG.
    If the update is the action's latest, the action carries the decision."""
    if not can_assure(user):
        raise PermissionDenied("Only the panel and the secretariat record assurance.")
    errors: dict[str, str] = {}
    if decision not in Assurance.Decision.values:
        errors["decision"] = "Choose whether the update is assured, challenged or not assured."
    if assured_rag and assured_rag not in RATINGS:
        errors["assured_rag"] = "Choose Red, Amber, Green or Blue, or no assured RAG."
    if decision == Assurance.Decision.CHALLENGED and not question.strip():
        errors["question"] = "Enter the question the officer must answer: a challenge needs one."
    if decision == Assurance.Decision.NOT_ASSURED and not comment.strip():
        errors["comment"] = "Say why the update is not assured."
    if errors:
        raise ValidationError(errors)
    if decision == Assurance.Decision.ASSURED and not assured_rag:
        assured_rag = update.rag
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=update.action_id)
        now = timezone.now()
        assurance = Assurance(
            update=update,
            decision=decision,
            assured_rag=assured_rag,
            comment=comment.strip(),
            decided_by=user,
            decided_at=now,
        )
        _save(assurance, user)
        if decision == Assurance.Decision.CHALLENGED:
            _challenge(user=user, action=action, update=update, question=question, at=now)
        if _latest_update_id(action) == update.pk:
            action.assurance = decision
            action.assured_rag = assured_rag
            _save(action, user)
    return assurance


def _challenge(
    *,
    user: AbstractBaseUser,
    action: Action,
    update: ProgressUpdate | None,
    question: str,
    at: datetime.datetime,
) -> Challenge:
    """Save the challenge and email it once committed (inside the caller's transaction)."""
    challenge = Challenge(
        action=action, update=update, question=question.strip(), raised_by=user, raised_at=at
    )
    _save(challenge, user)
    _on_commit_email(emails.send_challenge_raised, challenge)
    return challenge


def _on_commit_email(send, challenge: Challenge) -> None:
    """Email about the challenge once the transaction commits: nothing is sent for a
    change rolled back, and a failed send (logged) never undoes the change."""
    transaction.on_commit(lambda: send(challenge), robust=True)


def raise_challenge(
    *,
    user: AbstractBaseUser,
    action: Action,
    question: str,
    update: ProgressUpdate | None = None,
) -> Challenge:
    """A panel member's (or the secretariat's) question on an action, or on one of its
    updates; open until the action's officers answer it. The action's lead officer is
    emailed the question (or, if they have no email address, its directorate's officers).

    Raising a challenge is an assurance decision, wherever it is raised: as
    record_assurance records "challenged", the update challenged (the one named, else the
    action's latest) gets a "challenged" decision, and the action is challenged if that
    update is its latest (or it has none), so the dashboard counts it challenged."""
    if not can_assure(user):
        raise PermissionDenied("Only the panel and the secretariat raise challenges.")
    if not question.strip():
        raise ValidationError({"question": "Enter the question the officer must answer."})
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        now = timezone.now()
        challenge = _challenge(user=user, action=action, update=update, question=question, at=now)
        latest = _latest_update_id(action)
        challenged = update.pk if update is not None else latest
        if challenged is not None:
            decision = Assurance(
                update_id=challenged,
                decision=Assurance.Decision.CHALLENGED,
                decided_by=user,
                decided_at=now,
            )
            _save(decision, user)
        if challenged == latest:
            action.assurance = AssuranceStatus.CHALLENGED
            action.assured_rag = ""
            _save(action, user)
    return challenge


def answer_challenge(*, user: AbstractBaseUser, challenge: Challenge, response: str) -> Challenge:
    """The action's officers' (or the secretariat's) answer to a challenge. A challenge is
    answered once: a second answer is refused, so the first is never overwritten. The
    challenger is emailed the answer."""
    if not can_update_action(user, challenge.action):
        raise PermissionDenied("Only the action's officers and the secretariat may answer.")
    if not response.strip():
        raise ValidationError({"response": "Enter your response to the challenge."})
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
        if challenge.status != Challenge.Status.OPEN:
            answered = (
                f" by {challenge.responded_by.get_full_name() or challenge.responded_by}"
                if challenge.responded_by
                else ""
            )
            raise ValidationError(
                {
                    "response": f"This challenge was answered already{answered}: it cannot be "
                    "answered again."
                }
            )
        challenge.response = response.strip()
        challenge.responded_by = user
        challenge.responded_at = timezone.now()
        challenge.status = Challenge.Status.ANSWERED
        _save(challenge, user)
        _on_commit_email(emails.send_challenge_answered, challenge)
    return challenge


# -- risks: owners' updates and escalation ---------------------------------------------

# What an owner's update may change on a risk (record_risk_update's **changes).
RISK_UPDATE_FIELDS = frozenset(
    {
        "residual_likelihood",
        "residual_impact",
        "target_likelihood",
        "target_impact",
        "mitigations",
        "trend",
        "review_date",
    }
)


def risk_version(risk: Risk) -> int:
    return version_of(risk)


def trend_of(*, before: int, after: int, current: str) -> str:
    """The trend worked out from the residual score: lower is improving, higher is
    worsening; an unchanged score keeps the trend as it is."""
    if after < before:
        return Risk.Trend.IMPROVING
    if after > before:
        return Risk.Trend.WORSENING
    return current


def record_risk_update(
    *,
    user: AbstractBaseUser,
    risk: Risk,
    seen_version: int | None,
    **changes: Any,
) -> Risk:
    """An owner's (or the secretariat's) update of a risk: any of RISK_UPDATE_FIELDS.
    A trend left out (or None) is worked out from the residual score (trend_of).

    `seen_version` is risk_version() when the form was opened: if the risk changed since,
    raise Conflict and write nothing. Bad input raises ValidationError keyed by field;
    the next review date cannot be in the past."""
    unknown = set(changes) - RISK_UPDATE_FIELDS
    if unknown:
        raise TypeError(f"A risk update cannot change {', '.join(sorted(unknown))}")
    with transaction.atomic():
        risk = Risk.objects.select_for_update().get(pk=risk.pk)
        if not can_update_risk(user, risk):
            raise PermissionDenied("Only the risk's owner, its directorate and the secretariat.")
        version = risk_version(risk)
        if version != seen_version:
            raise Conflict(risk, seen_version=seen_version, version=version)
        before = risk.residual_score
        trend = changes.pop("trend", None)
        if "review_date" in changes:
            review_date = changes["review_date"]
            if review_date is not None and review_date < timezone.localdate():
                raise ValidationError(
                    {"review_date": "The next review date cannot be in the past."}
                )
        if "mitigations" in changes:
            changes["mitigations"] = (changes["mitigations"] or "").strip()
        for name, value in changes.items():
            setattr(risk, name, value)
        risk.trend = trend or trend_of(before=before, after=risk.residual_score, current=risk.trend)
        _save(risk, user)
    return risk


def decide_escalation(
    *,
    user: AbstractBaseUser,
    risk: Risk,
    decision: str,
    reason: str,
) -> EscalationDecision:
    """The secretariat's decision on escalating a risk, with why: recorded with who, when
    and the residual score it was taken at. Escalating moves the risk to the strategic
    register (level, escalated, escalated_on, escalation_reason; history by `user`); a risk
    already strategic cannot be escalated."""
    if not can_manage_plans(user):
        raise PermissionDenied("Only the secretariat and administrators decide on escalation.")
    errors: dict[str, str] = {}
    if decision not in EscalationDecision.Decision.values:
        errors["decision"] = "Choose whether to escalate the risk to the strategic register."
    if not reason.strip():
        errors["reason"] = "Enter why the risk is, or is not, escalated."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        risk = Risk.objects.select_for_update().get(pk=risk.pk)
        escalate = decision == EscalationDecision.Decision.ESCALATED
        if escalate and risk.level == Risk.Level.STRATEGIC:
            raise ValidationError(
                {
                    "decision": f"{risk.reference} is already on the strategic register: "
                    "it cannot be escalated."
                }
            )
        now = timezone.now()
        record = EscalationDecision(
            risk=risk,
            decision=decision,
            reason=reason.strip(),
            residual_score=risk.residual_score,
            decided_by=user,
            decided_at=now,
        )
        _save(record, user)
        if escalate:
            risk.level = Risk.Level.STRATEGIC
            risk.escalated = True
            risk.escalated_on = timezone.localdate(now)
            risk.escalation_reason = reason.strip()
            _save(risk, user)
    return record
