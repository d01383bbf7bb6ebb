"""The action list and the action page."""

from django.urls import path

from plans.views import actions

urlpatterns = [
    path("actions/", actions.action_list, name="actions"),
    path("actions/<int:pk>/", actions.action_detail, name="action"),
]
