"""Routes of the plans app: owners' risk updates and the secretariat's escalation
decisions."""

from django.urls import path

from plans.views import risk_updates

urlpatterns = [
    path("risks/<int:pk>/update/", risk_updates.risk_update, name="risk-update"),
    path("risks/<int:pk>/escalation/", risk_updates.risk_escalate, name="risk-escalate"),
]
