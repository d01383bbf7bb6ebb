"""The plans app's pages, one module of routes for each area of work."""

from plans import (
    urls_actions,
    urls_audit,
    urls_bulk,
    urls_changes,
    urls_imports,
    urls_indicators,
    urls_manage,
    urls_risk_updates,
    urls_risks,
    urls_updates,
)

urlpatterns = [
    *urls_actions.urlpatterns,
    *urls_updates.urlpatterns,
    *urls_manage.urlpatterns,
    *urls_risks.urlpatterns,
    *urls_risk_updates.urlpatterns,
    *urls_audit.urlpatterns,
    *urls_indicators.urlpatterns,
    *urls_imports.urlpatterns,
    *urls_bulk.urlpatterns,
    *urls_changes.urlpatterns,
]
