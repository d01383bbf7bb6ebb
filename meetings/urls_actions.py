"""Routes of the meetings app: the action log and the actions arising from meetings."""

from django.urls import path

from meetings.views import actions

urlpatterns = [
    path("meetings/actions/", actions.action_log, name="action-log"),
    path("meetings/actions/<int:pk>/", actions.meeting_action_detail, name="meeting-action"),
    path(
        "meetings/actions/<int:pk>/update/",
        actions.meeting_action_update,
        name="meeting-action-update",
    ),
    path(
        "meetings/actions/<int:pk>/promote/",
        actions.meeting_action_promote,
        name="meeting-action-promote",
    ),
]
