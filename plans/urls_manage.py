"""Managing the programme: plans, actions, milestones, themes, recommendations, coverage
and SMART assessments (plans.views.manage)."""

from django.urls import path

from plans.views import manage

urlpatterns = [
    path("plans/", manage.plan_list, name="plans"),
    path("plans/new/", manage.plan_create, name="plan-create"),
    path("plans/<int:pk>/", manage.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", manage.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/actions/new/", manage.action_create, name="action-create"),
    path("actions/<int:pk>/edit/", manage.action_edit, name="action-edit"),
    path("actions/<int:pk>/milestones/new/", manage.milestone_create, name="milestone-create"),
    path("milestones/<int:pk>/edit/", manage.milestone_edit, name="milestone-edit"),
    path("themes/", manage.theme_list, name="themes"),
    path("themes/new/", manage.theme_create, name="theme-create"),
    path("themes/<int:pk>/edit/", manage.theme_edit, name="theme-edit"),
    path("recommendations/", manage.recommendation_list, name="recommendations"),
    path("recommendations/new/", manage.recommendation_create, name="recommendation-create"),
    path("recommendations/<int:pk>/edit/", manage.recommendation_edit, name="recommendation-edit"),
    path("recommendations/coverage/", manage.coverage, name="coverage"),
    path("plans/<int:pk>/assessments/new/", manage.assessment_create, name="assessment-create"),
    path("assessments/<int:pk>/", manage.assessment_detail, name="assessment"),
]
