"""Routes of the reports: preparing them, previewing them, generating their PDFs in the
background and downloading them; and the public list of final reports."""

from django.urls import path

from reports.views import reports

urlpatterns = [
    path("reports/", reports.report_list, name="reports"),
    path("reports/new/", reports.report_create, name="report-create"),
    path("reports/<int:pk>/", reports.report_detail, name="report"),
    path("reports/<int:pk>/edit/", reports.report_edit, name="report-edit"),
    path(
        "reports/<int:pk>/sections/<int:section_pk>/",
        reports.section_edit,
        name="report-section-edit",
    ),
    path("reports/<int:pk>/preview/", reports.report_preview, name="report-preview"),
    path("reports/<int:pk>/generate/", reports.report_generate, name="report-generate"),
    path("reports/<int:pk>/finalise/", reports.report_finalise, name="report-finalise"),
    path(
        "reports/<int:pk>/versions/<int:version_pk>/",
        reports.version_detail,
        name="report-version",
    ),
    path(
        "reports/<int:pk>/versions/<int:version_pk>/download/",
        reports.version_download,
        name="report-version-download",
    ),
    path(
        "reports/<int:pk>/versions/<int:version_pk>/retry/",
        reports.version_retry,
        name="report-version-retry",
    ),
    path(
        "reports/<int:pk>/versions/<int:version_pk>/withdraw/",
        reports.version_withdraw,
        name="report-version-withdraw",
    ),
    path("public/reports/", reports.public_report_list, name="public-reports"),
    path(
        "public/reports/<int:version_pk>/download/",
        reports.public_report_download,
        name="public-report-download",
    ),
]
