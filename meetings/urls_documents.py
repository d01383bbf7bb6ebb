"""Routes of the meetings app: documents (the minutes as a print-ready page and as PDF),
the public pages of published meetings, and calendar files and feeds."""

from django.urls import path

from meetings.views import documents

urlpatterns = [
    path("meetings/<int:pk>/minutes/", documents.minutes_document, name="minutes-document"),
    path("meetings/<int:pk>/minutes.pdf", documents.minutes_pdf, name="minutes-pdf"),
    path("meetings/<int:pk>/meeting.ics", documents.meeting_ics, name="meeting-ics"),
    path("meetings/calendar/<str:token>.ics", documents.meetings_feed, name="meetings-feed"),
    path("public/meetings/", documents.public_meeting_list, name="public-meetings"),
    path(
        "public/meetings/calendar.ics",
        documents.public_meetings_feed,
        name="public-meetings-feed",
    ),
    path("public/meetings/<int:pk>/", documents.public_meeting_detail, name="public-meeting"),
    path(
        "public/meetings/<int:pk>/minutes/",
        documents.public_minutes_document,
        name="public-minutes-document",
    ),
    path(
        "public/meetings/<int:pk>/minutes.pdf",
        documents.public_minutes_pdf,
        name="public-minutes-pdf",
    ),
]
