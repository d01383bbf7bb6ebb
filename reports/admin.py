from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import (
    ActionSnapshot,
    IndicatorSnapshot,
    MeetingActionSnapshot,
    RecommendationSnapshot,
    Report,
    ReportSection,
    ReportVersion,
    RiskSnapshot,
    Snapshot,
)


class ReportSectionInline(admin.TabularInline):
    model = ReportSection
    extra = 0
    fields = ["order", "key", "heading", "publication_status"]


@admin.register(Report)
class ReportAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "plan", "snapshot", "status", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "subject", "reference"]
    list_select_related = ["plan", "snapshot__cycle"]
    raw_id_fields = ["snapshot"]
    inlines = [ReportSectionInline]


@admin.register(ReportSection)
class ReportSectionAdmin(SimpleHistoryAdmin):
    list_display = ["heading", "report", "key", "order", "publication_status"]
    list_filter = ["publication_status"]
    search_fields = ["heading", "body", "report__title"]
    list_select_related = ["report"]


@admin.register(ReportVersion)
class ReportVersionAdmin(SimpleHistoryAdmin):
    list_display = ["report", "number", "public", "draft", "status", "progress", "created_at"]
    list_filter = ["status", "public", "draft"]
    search_fields = ["report__title"]
    list_select_related = ["report"]
    readonly_fields = ["task_id", "size", "pages", "finished_at"]


@admin.register(Snapshot)
class SnapshotAdmin(SimpleHistoryAdmin):
    list_display = ["cycle", "as_at", "taken_at", "taken_by"]
    list_select_related = ["cycle", "taken_by"]


class FrozenRowAdmin(admin.ModelAdmin):
    """A snapshot's frozen rows: for looking up only. Closing a cycle writes them; nobody
    changes them, here or anywhere (so they keep no history of their own)."""

    raw_id_fields = ["snapshot"]
    list_select_related = ["snapshot__cycle"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActionSnapshot)
class ActionSnapshotAdmin(FrozenRowAdmin):
    list_display = ["reference", "title", "rag", "snapshot"]
    list_filter = ["rag"]
    search_fields = ["reference", "title", "lead_officer"]
    raw_id_fields = ["snapshot", "action", "plan", "theme"]


@admin.register(RiskSnapshot)
class RiskSnapshotAdmin(FrozenRowAdmin):
    list_display = ["reference", "title", "residual_score", "snapshot"]
    search_fields = ["reference", "title"]
    raw_id_fields = ["snapshot", "risk"]


@admin.register(IndicatorSnapshot)
class IndicatorSnapshotAdmin(FrozenRowAdmin):
    list_display = ["code", "name", "period", "value", "snapshot"]
    search_fields = ["code", "name"]
    raw_id_fields = ["snapshot", "indicator"]


@admin.register(MeetingActionSnapshot)
class MeetingActionSnapshotAdmin(FrozenRowAdmin):
    list_display = ["meeting_date", "description", "owner", "status", "snapshot"]
    search_fields = ["description", "owner"]
    raw_id_fields = ["snapshot", "meeting_action"]


@admin.register(RecommendationSnapshot)
class RecommendationSnapshotAdmin(FrozenRowAdmin):
    list_display = ["reference", "source", "assessed_progress", "snapshot"]
    search_fields = ["reference", "text"]
    raw_id_fields = ["snapshot", "recommendation"]
