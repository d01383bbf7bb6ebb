"""The meetings list and the meeting page."""

from django.urls import path

from meetings.views import pages

urlpatterns = [
    path("meetings/", pages.meeting_list, name="meetings"),
    path("meetings/<int:pk>/", pages.meeting_detail, name="meeting"),
]
