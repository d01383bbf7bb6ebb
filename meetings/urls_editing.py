"""Routes of the meetings app: the secretariat's editing of meetings, their attendance,
agenda, minutes, actions arising, formal advice and the minutes' status
(meetings.views.editing)."""

from django.urls import path

from meetings.views import amending, editing

urlpatterns = [
    path("meetings/add/", editing.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/edit/", editing.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/attendance/", editing.attendance, name="attendance"),
    path("meetings/attendance/<int:pk>/edit/", editing.attendance_edit, name="attendance-edit"),
    path(
        "meetings/attendance/<int:pk>/remove/",
        editing.attendance_remove,
        name="attendance-remove",
    ),
    path("meetings/<int:pk>/items/add/", editing.agenda_item_create, name="agenda-item-create"),
    path("meetings/items/<int:pk>/edit/", editing.agenda_item_edit, name="agenda-item-edit"),
    path("meetings/items/<int:pk>/move/", editing.agenda_item_move, name="agenda-item-move"),
    path("meetings/items/<int:pk>/remove/", editing.agenda_item_remove, name="agenda-item-remove"),
    path("meetings/items/<int:pk>/minutes/add/", editing.minute_create, name="minute-create"),
    path("meetings/minutes/<int:pk>/edit/", editing.minute_edit, name="minute-edit"),
    path("meetings/minutes/<int:pk>/remove/", editing.minute_remove, name="minute-remove"),
    path(
        "meetings/minutes/<int:pk>/actions/add/",
        editing.meeting_action_create,
        name="meeting-action-create",
    ),
    path(
        "meetings/actions/<int:pk>/edit/", editing.meeting_action_edit, name="meeting-action-edit"
    ),
    path(
        "meetings/actions/<int:pk>/remove/",
        editing.meeting_action_remove,
        name="meeting-action-remove",
    ),
    path("meetings/<int:pk>/advice/", editing.formal_advice, name="formal-advice"),
    path("meetings/<int:pk>/status/", editing.minutes_status, name="minutes-status"),
    path("meetings/<int:pk>/amend/", amending.minutes_amend, name="minutes-amend"),
    path(
        "meetings/amendments/<int:pk>/finish/",
        amending.amendment_finish,
        name="amendment-finish",
    ),
    path("meetings/<int:pk>/publish/", amending.minutes_publish, name="minutes-publish"),
    path("meetings/<int:pk>/withdraw/", amending.minutes_withdraw, name="minutes-withdraw"),
    path("meetings/<int:pk>/republish/", amending.minutes_republish, name="minutes-republish"),
]
