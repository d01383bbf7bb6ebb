from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from meetings.models import (
    AgendaItem,
    Attendance,
    FormalAdvice,
    Meeting,
    MeetingAction,
    Minute,
    MinutesAmendment,
    MinutesPublication,
)


class AgreedMinutesAreARecord:
    """Agreed minutes change only through an amendment (meetings.services), which records
    what, why, who and when: here their agenda, minutes, actions arising and formal advice
    are read-only and cannot be deleted."""

    def _is_record(self, obj) -> bool:
        meeting = obj if isinstance(obj, Meeting) else getattr(obj, "meeting", None)
        return meeting is not None and meeting.minutes_are_a_record

    def has_change_permission(self, request, obj=None):
        return not self._is_record(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._is_record(obj) and super().has_delete_permission(request, obj)


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["person"]


class AgendaItemInline(AgreedMinutesAreARecord, admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["number", "heading", "presenter", "publication_status"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "date", "start_time", "kind", "is_open_to_public", "status"]
    list_filter = ["kind", "status", "is_open_to_public"]
    search_fields = ["title", "place"]
    date_hierarchy = "date"
    inlines = [AttendanceInline, AgendaItemInline]


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ["person", "meeting", "group", "role", "presence"]
    list_filter = ["group", "role", "presence"]
    search_fields = ["person__name", "meeting__title"]
    list_select_related = ["person", "meeting"]


@admin.register(AgendaItem)
class AgendaItemAdmin(AgreedMinutesAreARecord, SimpleHistoryAdmin):
    list_display = ["number", "heading", "meeting", "presenter", "publication_status"]
    list_filter = ["publication_status", "meeting"]
    search_fields = ["heading", "papers"]
    list_select_related = ["meeting", "presenter"]


@admin.register(Minute)
class MinuteAdmin(AgreedMinutesAreARecord, SimpleHistoryAdmin):
    list_display = ["number", "meeting", "agenda_item", "publication_status"]
    list_filter = ["publication_status", "meeting"]
    search_fields = ["text"]
    list_select_related = ["meeting", "agenda_item"]


@admin.register(MeetingAction)
class MeetingActionAdmin(AgreedMinutesAreARecord, SimpleHistoryAdmin):
    list_display = ["description", "meeting", "owner", "due_date", "status", "promoted_to"]
    list_filter = ["status", "meeting"]
    search_fields = ["description", "owner__name", "note"]
    list_select_related = ["meeting", "owner", "promoted_to"]


@admin.register(FormalAdvice)
class FormalAdviceAdmin(AgreedMinutesAreARecord, SimpleHistoryAdmin):
    list_display = ["meeting", "none_given", "advice"]
    list_filter = ["none_given"]
    search_fields = ["advice"]
    list_select_related = ["meeting"]


@admin.register(MinutesAmendment)
class MinutesAmendmentAdmin(SimpleHistoryAdmin):
    """Amendments are made on the meeting page. Here the administrator can finish one its
    maker abandoned (break-glass, in the amendment's history); none is deleted."""

    list_display = ["meeting", "made_by", "opened_at", "finished_at", "touches_withheld"]
    list_select_related = ["meeting", "made_by"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MinutesPublication)
class MinutesPublicationAdmin(admin.ModelAdmin):
    """The minutes as published: written once when published, never changed."""

    list_display = ["meeting", "published_at", "published_by"]
    list_select_related = ["meeting", "published_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
