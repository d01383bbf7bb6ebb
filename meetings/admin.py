from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from meetings.models import (
    AgendaItem,
    Attendance,
    FormalAdvice,
    Meeting,
    MeetingAction,
    Minute,
)


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["person"]


class AgendaItemInline(admin.TabularInline):
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
class AgendaItemAdmin(SimpleHistoryAdmin):
    list_display = ["number", "heading", "meeting", "presenter", "publication_status"]
    list_filter = ["publication_status", "meeting"]
    search_fields = ["heading", "papers"]
    list_select_related = ["meeting", "presenter"]


@admin.register(Minute)
class MinuteAdmin(SimpleHistoryAdmin):
    list_display = ["number", "meeting", "agenda_item", "publication_status"]
    list_filter = ["publication_status", "meeting"]
    search_fields = ["text"]
    list_select_related = ["meeting", "agenda_item"]


@admin.register(MeetingAction)
class MeetingActionAdmin(SimpleHistoryAdmin):
    list_display = ["description", "meeting", "owner", "due_date", "status", "promoted_to"]
    list_filter = ["status", "meeting"]
    search_fields = ["description", "owner__name", "note"]
    list_select_related = ["meeting", "owner", "promoted_to"]


@admin.register(FormalAdvice)
class FormalAdviceAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "none_given", "advice"]
    list_filter = ["none_given"]
    search_fields = ["advice"]
    list_select_related = ["meeting"]
