"""Forms with which the secretariat edits a meeting: its details, attendance, agenda,
minutes, actions arising, formal advice and the minutes' status.

Every message is in plain words and placed beside its field: the rules the models and
services enforce (an end after the start, a person attends once, an owner for every
action, a paragraph and review date for exempt information) are checked here field by
field first, and what a service still refuses is put beside the field it names
(`add_service_errors`). Dates are typed as 31/03/2019, times as 14:15 or 2:15pm. Edit
forms detect changes someone else saved after the form was opened (ConflictCheckedForm).
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from biip.forms import ConflictCheckedForm, Radios, UKDateField, set_messages, uk_dates
from biip.forms import without_blank as drop_blank
from biip.models import Organisation, Person, PublicationStatus
from meetings.models import AgendaItem, Attendance, FormalAdvice, Meeting, MeetingAction, Minute

PUBLICATION_FIELDS = ["publication_status", "exemption_paragraph", "exemption_review_date"]


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: beside the field it names when the
    form has that field, at the top of the form otherwise."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def set_choice_messages(form: forms.BaseForm, messages: dict[str, str]) -> None:
    """Messages for a choice that is not in the list, where the label does not read well
    in "Choose the <label> from the list"."""
    for name, message in messages.items():
        if name in form.fields:
            form.fields[name].error_messages["invalid_choice"] = message


def person_label(person: Person) -> str:
    """ "Dawn Baxendale, Chief Executive (BCC)": needs the person's organisation loaded."""
    return f"{person} ({person.organisation.short_name})"


def people():
    return Person.objects.select_related("organisation").order_by("name", "organisation__name")


class TimeOfDayField(forms.TimeField):
    """A time typed as 14:15, 14.15, 2:15pm or 2pm, shown back as 14:15."""

    input_formats = ["%H:%M", "%H.%M", "%I:%M%p", "%I.%M%p", "%I%p"]

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(" ", "")
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, datetime.time):
            return value.strftime("%H:%M")
        return value


class PublicationForm(ConflictCheckedForm):
    """The publication status of an agenda item, minute or action arising: public,
    exempt (with the Schedule 12A paragraph and a review date) or confidential."""

    def setup_publication(self, noun: str) -> None:
        fields = self.fields
        status = fields["publication_status"]
        drop_blank(status)
        status.label = "Publication"
        status.help_text = (
            f"Public {noun}s appear in the published minutes. Exempt {noun}s are withheld "
            "under a paragraph of Schedule 12A to the Local Government Act 1972; the public "
            "sees only that they were withheld, and why."
        )
        paragraph = fields["exemption_paragraph"]
        paragraph.choices = [("", "Choose a paragraph"), *paragraph.choices[1:]]
        paragraph.label = "Schedule 12A paragraph"
        paragraph.help_text = "The paragraph of Schedule 12A that applies"
        set_choice_messages(
            self,
            {
                "publication_status": "Choose public, exempt or confidential",
                "exemption_paragraph": "Choose a Schedule 12A paragraph from the list",
            },
        )
        review = fields["exemption_review_date"]
        review.label = "Date to review the exemption"
        review.help_text = "For example, 31/03/2020"

    def clean(self):
        data = super().clean()
        if data.get("publication_status") != PublicationStatus.EXEMPT:
            data["exemption_paragraph"] = None
            data["exemption_review_date"] = None
            self.errors.pop("exemption_paragraph", None)
            self.errors.pop("exemption_review_date", None)
        return data

    def _update_errors(self, errors: ValidationError) -> None:
        """One message per field: the model's checks (run on the values the form could
        read) do not repeat a field the form has already reported, such as a review date
        that is not a real date."""
        if hasattr(errors, "error_dict"):
            for name in [name for name in errors.error_dict if name in self.errors]:
                del errors.error_dict[name]
        super()._update_errors(errors)

    def publication_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in PUBLICATION_FIELDS}


PUBLICATION_MESSAGES = {"publication_status": "Choose whether it is public, exempt or confidential"}


# The meeting


class MeetingForm(ConflictCheckedForm):
    noun = "meeting"

    class Meta:
        model = Meeting
        fields = [
            "title",
            "date",
            "start_time",
            "end_time",
            "place",
            "kind",
            "is_open_to_public",
            "next_meeting",
        ]
        formfield_callback = uk_dates
        field_classes = {"start_time": TimeOfDayField, "end_time": TimeOfDayField}
        widgets = {"kind": Radios}
        labels = {
            "date": "Date of the meeting",
            "start_time": "Start time",
            "end_time": "End time",
            "kind": "Kind of meeting",
            "is_open_to_public": "The meeting is open to the public",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields
        drop_blank(fields["kind"])
        meetings = Meeting.objects.order_by("date", "start_time")
        if self.instance.pk:
            later = Q(date__gte=self.instance.date) | Q(pk=self.instance.next_meeting_id)
            meetings = meetings.exclude(pk=self.instance.pk).filter(later)
        fields["next_meeting"].queryset = meetings
        fields["next_meeting"].empty_label = "Not arranged yet"
        fields["next_meeting"].help_text = "Add the next meeting first if it is not listed"
        set_messages(
            self,
            {
                "title": "Enter the meeting's title",
                "date": "Enter the date of the meeting",
                "start_time": "Enter the time the meeting starts",
                "end_time": "Enter the time the meeting ends",
                "kind": "Choose the kind of meeting",
            },
        )
        for name in ("start_time", "end_time"):
            label = fields[name].label.lower()
            fields[name].error_messages["invalid"] = (
                f"Enter the {label} as a time, for example 14:15 or 2:15pm"
            )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The meeting must end after it starts")
        following, date = data.get("next_meeting"), data.get("date")
        if following and date and following.date <= date:
            self.add_error("next_meeting", "The next meeting must be after this one")
        return data


# Attendance


class AttendanceForm(forms.ModelForm):
    """Who attended, for which group, in which role, present or with apologies. On the
    add form, the person is chosen from the people recorded, or added on the spot with
    their name, organisation and title."""

    EXISTING, NEW = "existing", "new"
    who = forms.ChoiceField(
        label="Who is attending?",
        choices=[(EXISTING, "Someone already recorded"), (NEW, "Someone new")],
        widget=Radios,
        initial=EXISTING,
    )
    person = forms.ModelChoiceField(label="Person", queryset=Person.objects.none(), required=False)
    new_name = forms.CharField(label="Name", max_length=200, required=False)
    new_organisation = forms.ModelChoiceField(
        label="Organisation", queryset=Organisation.objects.order_by("name"), required=False
    )
    new_title = forms.CharField(
        label="Title", max_length=200, required=False, help_text='For example, "Chief Executive"'
    )

    field_order = ["who", "person", "new_name", "new_organisation", "new_title"]

    class Meta:
        model = Attendance
        fields = ["group", "role", "title_at_meeting", "presence"]
        widgets = {"group": Radios, "role": Radios, "presence": Radios}
        labels = {
            "group": "Attending for",
            "role": "Role at the meeting",
            "title_at_meeting": "Title at the meeting",
            "presence": "Present or apologies",
        }
        help_texts = {
            "title_at_meeting": "As the minutes will give it, for example "
            '"Chair of BIIP and the meeting". Leave blank to use the person\'s title.',
        }

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.meeting = meeting
        fields = self.fields
        if self.instance.pk:  # who attends is fixed once recorded: remove and add instead
            for name in ("who", "person", "new_name", "new_organisation", "new_title"):
                del fields[name]
        else:
            fields["person"].queryset = people()
            fields["person"].label_from_instance = person_label
            fields["person"].empty_label = "Choose a person"
            fields["new_organisation"].empty_label = "Choose an organisation"
            fields["new_organisation"].label_from_instance = lambda o: f"{o.name} ({o.short_name})"
        for name in ("group", "role", "presence"):
            drop_blank(fields[name])
        fields["presence"].choices = [
            choice for choice in fields["presence"].choices if choice[0] != "absent"
        ]
        set_messages(
            self,
            {
                "who": "Choose someone already recorded, or someone new",
                "group": "Choose whom the person attends for",
                "role": "Choose the person's role at the meeting",
                "presence": "Choose whether the person is present or sent apologies",
            },
        )
        set_choice_messages(
            self,
            {
                "who": "Choose someone already recorded, or someone new",
                "group": "Choose whom the person attends for from the list",
                "presence": "Choose whether the person is present or sent apologies",
            },
        )

    def clean(self):
        data = super().clean()
        if self.instance.pk:
            return data
        if data.get("who") == self.NEW:
            self.errors.pop("person", None)
            name, organisation = data.get("new_name", "").strip(), data.get("new_organisation")
            if not name:
                self.add_error("new_name", "Enter the new person's name")
            if organisation is None and "new_organisation" not in self.errors:
                self.add_error("new_organisation", "Choose the new person's organisation")
            if name and organisation:
                existing = Person.objects.filter(name__iexact=name, organisation=organisation)
                if existing.exists():
                    self.add_error(
                        "new_name",
                        f"{name} of {organisation.short_name} is already recorded: "
                        "choose them from the list of people",
                    )
        elif data.get("who") == self.EXISTING:
            person = data.get("person")
            if person is None and "person" not in self.errors:
                self.add_error("person", "Choose the person attending")
            elif (
                person is not None
                and self.instance.meeting.attendances.filter(person=person).exists()
            ):
                self.add_error("person", f"{person.name} is already recorded at this meeting")
        return data

    def save(self, commit: bool = True) -> Attendance:
        """Save the attendance, first recording the new person if there is one. The
        title at the meeting defaults to the person's title."""
        attendance = self.instance
        if not attendance.pk:
            attendance.person = self.cleaned_data["person"]
            if self.cleaned_data["who"] == self.NEW:
                person = Person(
                    name=self.cleaned_data["new_name"].strip(),
                    organisation=self.cleaned_data["new_organisation"],
                    title=self.cleaned_data["new_title"].strip(),
                )
                person.full_clean()
                person.save()
                attendance.person = person
            meeting = attendance.meeting
            attendance.order = meeting.attendances.filter(group=attendance.group).count() + 1
        if not attendance.title_at_meeting:
            attendance.title_at_meeting = attendance.person.title
        attendance.full_clean()
        attendance.save()
        return attendance


# The agenda and the minutes


class AgendaItemForm(PublicationForm):
    noun = "agenda item"

    class Meta:
        model = AgendaItem
        fields = ["heading", "presenter", "papers", *PUBLICATION_FIELDS]
        formfield_callback = uk_dates
        widgets = {"publication_status": Radios}
        labels = {"papers": "Papers"}

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.meeting = meeting
        presenter = self.fields["presenter"]
        presenter.queryset = people()
        presenter.label_from_instance = person_label
        presenter.empty_label = "No presenter"
        presenter.help_text = "Who introduces the item (optional)"
        self.fields["papers"].help_text = "The papers circulated for the item (optional)"
        self.setup_publication("item")
        set_messages(self, {"heading": "Enter the item's heading", **PUBLICATION_MESSAGES})

    def item_data(self) -> dict:
        fields = ("heading", "presenter", "papers", *PUBLICATION_FIELDS)
        return {name: self.cleaned_data[name] for name in fields}


class MinuteForm(PublicationForm):
    noun = "minute"

    class Meta:
        model = Minute
        fields = ["text", *PUBLICATION_FIELDS]
        formfield_callback = uk_dates
        widgets = {"publication_status": Radios}
        labels = {"text": "Minute"}

    def __init__(self, *args, item: AgendaItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.meeting = item.meeting
        self.instance.agenda_item = item
        self.fields["text"].help_text = "One numbered paragraph of the minutes"
        self.setup_publication("minute")
        set_messages(self, {"text": "Enter the minute", **PUBLICATION_MESSAGES})


# Actions arising


class MeetingActionForm(PublicationForm):
    """An action arising against a minute: what, who owns it, when it is due. Its status
    and note are the owner's to update (meeting-action-update)."""

    noun = "action"

    class Meta:
        model = MeetingAction
        fields = ["description", "owner", "due_date", *PUBLICATION_FIELDS]
        formfield_callback = uk_dates
        widgets = {"publication_status": Radios}
        labels = {"description": "What is to be done", "owner": "Owner", "due_date": "Due date"}

    def __init__(self, *args, minute: Minute | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if minute is not None:
            self.instance.meeting = minute.meeting
            self.instance.minute = minute
        owner = self.fields["owner"]
        owner.queryset = people()
        owner.label_from_instance = person_label
        owner.empty_label = "Choose who owns the action"
        owner.help_text = "The person who will do it and report back"
        self.fields["due_date"].help_text = "Optional. For example, 27/02/2019"
        self.setup_publication("action")
        set_messages(
            self,
            {
                "description": "Enter what is to be done",
                "owner": "Choose who owns the action",
                **PUBLICATION_MESSAGES,
            },
        )

    def action_data(self) -> dict:
        fields = ("description", "owner", "due_date", *PUBLICATION_FIELDS)
        return {name: self.cleaned_data[name] for name in fields}


# Formal advice


class FormalAdviceForm(PublicationForm):
    """Formal advice, or that none was given; advice has a publication status like a
    minute (withheld from the public unless public)."""

    NONE, GIVEN = "none", "advice"
    noun = "formal advice"
    given = forms.ChoiceField(
        label="Did the panel give formal advice at this meeting?",
        choices=[(NONE, "No formal advice was given"), (GIVEN, "Yes, record the advice")],
        widget=Radios,
    )
    advice = forms.CharField(label="The advice", required=False, widget=forms.Textarea, strip=True)

    class Meta:
        model = FormalAdvice
        fields = PUBLICATION_FIELDS
        formfield_callback = uk_dates
        widgets = {"publication_status": Radios}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_publication("piece of advice")
        self.fields["publication_status"].required = False  # asked only of advice given
        set_messages(
            self, {"given": "Choose whether the panel gave formal advice", **PUBLICATION_MESSAGES}
        )
        set_choice_messages(self, {"given": "Choose whether the panel gave formal advice"})

    def clean(self):
        data = super().clean()
        if data.get("given") == self.GIVEN and not data.get("advice"):
            self.add_error("advice", "Enter the advice the panel gave")
        if data.get("given") == self.GIVEN and not data.get("publication_status"):
            self.add_error("publication_status", PUBLICATION_MESSAGES["publication_status"])
        if data.get("given") == self.NONE:
            data["advice"] = ""
            data["publication_status"] = PublicationStatus.PUBLIC
        return data


# The minutes' status


class MinutesStatusForm(forms.Form):
    """Move the minutes on: held, drafted, agreed (at a later meeting, or outside one, on
    a date), published; or back a step to correct them. The service decides which moves
    are allowed and says why a move is refused."""

    status = forms.ChoiceField(
        label="Move the minutes to", choices=Meeting.Status.choices, widget=Radios
    )
    agreed_at = forms.ModelChoiceField(
        label="Where were the minutes agreed?",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="Outside a meeting",
        help_text="The later meeting at which they were agreed, or outside a meeting",
    )
    agreed_on = UKDateField(
        label="Date agreed outside a meeting",
        required=False,
        help_text="Only if they were agreed outside a meeting; today if left blank. "
        "For example, 15/02/2019",
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["agreed_at"].queryset = Meeting.objects.filter(
            Q(date__gt=meeting.date) | Q(pk=meeting.minutes_agreed_at_id)
        ).order_by("date", "start_time")
        set_messages(self, {"status": "Choose where the minutes are to move"})
        set_choice_messages(
            self,
            {
                "status": "Choose where the minutes are to move",
                "agreed_at": "Choose a meeting after this one, or outside a meeting",
            },
        )

    def clean_agreed_on(self):
        agreed_on = self.cleaned_data["agreed_on"]
        if agreed_on and agreed_on > timezone.localdate():
            raise ValidationError("The date agreed cannot be in the future")
        if agreed_on and agreed_on < self.meeting.date:
            raise ValidationError("The minutes cannot be agreed before the meeting was held")
        return agreed_on

    def date_agreed(self):
        """The date the minutes were agreed outside a meeting, when that is the move."""
        if self.cleaned_data["status"] == Meeting.Status.MINUTES_AGREED:
            return self.cleaned_data["agreed_on"]
        return None


# Amending agreed minutes


class AmendmentForm(forms.Form):
    reason = forms.CharField(
        label="Why are the minutes being amended?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        strip=True,
        help_text="For example, the panel agreed a correction to minute 44 at its meeting "
        "of 26 February 2019. The reason is shown wherever the minutes are, with the "
        "changes; the public sees it unless the amendment touches withheld content.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_messages(self, {"reason": "Say why the minutes are being amended"})
