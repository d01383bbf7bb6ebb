"""Routes of the plans app: progress on recommendations (the external auditor's first),
each recommendation's addressed and verified states, and the non-executive advisers
(plans.views.audit)."""

from django.urls import path

from plans.views import audit

urlpatterns = [
    path("audit/", audit.audit, name="audit"),
    path("recommendations/<int:pk>/", audit.recommendation, name="recommendation"),
    path(
        "recommendations/<int:pk>/addressed/",
        audit.recommendation_addressed,
        name="recommendation-addressed",
    ),
    path(
        "recommendations/<int:pk>/verified/",
        audit.recommendation_verified,
        name="recommendation-verified",
    ),
    path("advisers/", audit.advisers, name="advisers"),
]
