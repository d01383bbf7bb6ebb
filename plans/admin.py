from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from plans.models import (
    Action,
    AdviserEngagement,
    Assurance,
    Challenge,
    Cycle,
    EscalationDecision,
    Evidence,
    ImportJob,
    ImprovementPlan,
    Indicator,
    IndicatorValue,
    Milestone,
    ProgressUpdate,
    Recommendation,
    Reminder,
    Risk,
    SmartAssessment,
    Source,
    Theme,
)
from reports.exposure import warn_if_published


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "author", "published_on"]
    list_filter = ["kind", "author"]
    search_fields = ["name", "summary"]


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "framework", "order"]
    list_filter = ["framework"]
    search_fields = ["code", "name"]


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = [
        "reference",
        "source",
        "theme",
        "assessed_progress",
        "addressed_on",
        "verified_on",
    ]
    list_filter = ["source", "theme", "assessed_progress"]
    search_fields = ["reference", "text", "council_response"]
    list_select_related = ["source", "theme"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(ImprovementPlan)
class ImprovementPlanAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "short_name",
        "period_start",
        "period_end",
        "version",
        "status",
        "is_current",
    ]
    list_filter = ["status", "is_current"]
    search_fields = ["title", "short_name"]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = [
        "reference",
        "title",
        "plan",
        "theme",
        "directorate",
        "lead_officer",
        "rag",
        "original_due_date",
        "revised_due_date",
        "publication_status",
    ]
    list_filter = ["plan", "rag", "directorate", "theme", "publication_status"]
    search_fields = ["reference", "title", "description", "lead_officer__name"]
    list_select_related = ["plan", "theme", "directorate", "lead_officer"]
    autocomplete_fields = [
        "lead_officer",
        "lead_member",
        "dependencies",
        "recommendations",
        "risks",
    ]
    date_hierarchy = "original_due_date"
    inlines = [MilestoneInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        warn_if_published(request, obj)


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ["title", "action", "due_date", "completed_on"]
    list_filter = ["action__plan"]
    search_fields = ["title", "action__reference"]
    list_select_related = ["action"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["action", "period", "rag", "author", "created_at"]
    list_filter = ["rag", "period", "action__plan"]
    search_fields = ["action__reference", "narrative"]
    list_select_related = ["action", "author"]
    date_hierarchy = "period"


@admin.register(Assurance)
class AssuranceAdmin(SimpleHistoryAdmin):
    list_display = ["update", "decision", "assured_rag", "decided_by", "decided_at"]
    list_filter = ["decision"]
    search_fields = ["update__action__reference", "comment"]
    list_select_related = ["update__action", "decided_by"]


@admin.register(Challenge)
class ChallengeAdmin(SimpleHistoryAdmin):
    list_display = ["action", "status", "raised_by", "raised_at", "responded_at"]
    list_filter = ["status"]
    search_fields = ["action__reference", "question", "response"]
    list_select_related = ["action", "raised_by"]


@admin.register(SmartAssessment)
class SmartAssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "theme", "assessor", "assessed_on", "conclusion"]
    list_filter = ["plan", "conclusion"]
    search_fields = ["summary", "assessor__name"]


@admin.register(Risk)
class RiskAdmin(SimpleHistoryAdmin):
    list_display = [
        "reference",
        "title",
        "category",
        "level",
        "owner",
        "residual_likelihood",
        "residual_impact",
        "tolerance",
        "escalated",
        "status",
    ]
    list_filter = ["category", "level", "escalated", "status", "publication_status"]
    search_fields = ["reference", "title", "description", "owner__name"]
    list_select_related = ["owner"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        warn_if_published(request, obj)


@admin.register(EscalationDecision)
class EscalationDecisionAdmin(SimpleHistoryAdmin):
    list_display = ["risk", "decision", "residual_score", "decided_by", "decided_at"]
    list_filter = ["decision"]
    search_fields = ["risk__reference", "risk__title", "reason"]
    list_select_related = ["risk", "decided_by"]


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "unit", "polarity", "target", "directorate"]
    list_filter = ["unit", "polarity", "directorate"]
    search_fields = ["code", "name"]
    inlines = [IndicatorValueInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "period", "label", "value", "benchmark_quartile"]
    list_filter = ["indicator"]
    search_fields = ["indicator__name", "label"]
    list_select_related = ["indicator"]


@admin.register(AdviserEngagement)
class AdviserEngagementAdmin(SimpleHistoryAdmin):
    list_display = ["adviser", "focus_area", "theme", "started_on", "ended_on"]
    list_filter = ["theme"]
    search_fields = ["adviser__name", "focus_area"]
    list_select_related = ["adviser", "theme"]


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
    list_display = ["original_name", "update", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["content_type"]
    search_fields = ["original_name", "update__action__reference"]
    list_select_related = ["update__action", "uploaded_by"]


@admin.register(Cycle)
class CycleAdmin(SimpleHistoryAdmin):
    list_display = ["period", "opens_on", "deadline", "closed_at", "closed_by"]
    date_hierarchy = "period"


@admin.register(ImportJob)
class ImportJobAdmin(SimpleHistoryAdmin):
    list_display = ["original_name", "plan", "status", "total_rows", "created_by", "created_at"]
    list_filter = ["status"]
    list_select_related = ["plan", "created_by"]


@admin.register(Reminder)
class ReminderAdmin(SimpleHistoryAdmin):
    list_display = ["cycle", "recipient", "kind", "action_count", "sent_at"]
    list_filter = ["kind", "cycle"]
    list_select_related = ["cycle", "recipient"]
