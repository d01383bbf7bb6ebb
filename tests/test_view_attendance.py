"""Recording attendance: the attendance page with its add form
(/meetings/<pk>/attendance/), editing one person's attendance
(/meetings/attendance/<pk>/edit/) and removing it (/meetings/attendance/<pk>/remove/)."""

from django.urls import reverse

from biip.models import Person
from meetings.models import Attendance
from tests.base import RolesTestCase
from tests.factories import make_attendance, make_meeting, make_organisation, make_person


class AttendanceCase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.mhclg = make_organisation(name="MHCLG", short_name="MHCLG", kind="government")
        cls.meeting = make_meeting()
        cls.john = make_person(
            name="John Crabtree", title="Chair of BIIP", organisation=cls.panel_org
        )
        cls.dawn = make_person(
            name="Dawn Baxendale", title="Chief Executive", organisation=cls.council
        )
        cls.url = reverse("attendance", args=[cls.meeting.pk])

    def add(self, **changes):
        data = {
            "who": "existing",
            "person": self.dawn.pk,
            "new_name": "",
            "new_organisation": "",
            "new_title": "",
            "group": "council",
            "role": "officer",
            "title_at_meeting": "",
            "presence": "present",
        }
        return self.client.post(self.url, {**data, **changes})


class AttendancePageTest(AttendanceCase):
    def test_the_url(self):
        self.assertEqual(self.url, f"/meetings/{self.meeting.pk}/attendance/")

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)
        self.add()
        self.assertFalse(Attendance.objects.exists())

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(self.url).status_code, 405)

    def test_officer_and_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.add().status_code, 403)
        self.assertFalse(Attendance.objects.exists())

    def test_missing_meeting_is_404(self):
        self.client.force_login(self.sam)
        url = reverse("attendance", args=[999])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_page_lists_the_attendance_by_group_with_links(self):
        dawn = make_attendance(self.meeting, self.dawn, group="council", title_at_meeting="CEO")
        make_attendance(self.meeting, self.john, group="panel", role="chair")
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertEqual([row.person for row in response.context["rows"]], [self.john, self.dawn])
        self.assertContains(response, '<th scope="row" class="govuk-table__header">John Crabtree')
        self.assertContains(response, reverse("attendance-edit", args=[dawn.pk]))
        self.assertContains(response, reverse("attendance-remove", args=[dawn.pk]))
        self.assertContains(
            response, f'href="/meetings/{self.meeting.pk}/" class="govuk-back-link"'
        )
        self.assertContains(response, "<title>Attendance")

    def test_query_count_does_not_grow_with_the_attendance(self):
        make_attendance(self.meeting, self.dawn)
        self.client.force_login(self.sam)
        self.client.get(self.url)  # the session is warm
        with self.assertNumQueries(9):
            self.client.get(self.url)
        for n in range(4):
            make_attendance(self.meeting, make_person(name=f"Member {n}"), group="government")
        with self.assertNumQueries(9):
            self.client.get(self.url)

    def test_secretariat_adds_someone_already_recorded(self):
        self.client.force_login(self.sam)
        response = self.add()
        self.assertRedirects(
            response, f"/meetings/{self.meeting.pk}/#attendance", fetch_redirect_response=False
        )
        row = Attendance.objects.get()
        self.assertEqual(row.meeting, self.meeting)
        self.assertEqual(row.person, self.dawn)
        self.assertEqual(row.group, Attendance.Group.COUNCIL)
        self.assertEqual(row.role, Attendance.MeetingRole.OFFICER)
        self.assertEqual(row.presence, Attendance.Presence.PRESENT)
        self.assertEqual(row.title_at_meeting, "Chief Executive")  # the person's title
        self.assertEqual(row.order, 1)
        self.assertEqual(row.history.get().history_user, self.sam)
        messages = [str(m) for m in response.wsgi_request._messages]
        self.assertEqual(messages, ["Dawn Baxendale has been added to the attendance."])

    def test_administrator_adds_a_new_person_on_the_spot(self):
        self.client.force_login(self.alex)
        response = self.add(
            who="new",
            person="",
            new_name="Alex Powell",
            new_organisation=self.mhclg.pk,
            new_title="Deputy Director",
            group="government",
            role="observer",
            title_at_meeting="Deputy Director, Local Government Stewardship",
            presence="apologies",
        )
        self.assertEqual(response.status_code, 302)
        person = Person.objects.get(name="Alex Powell")
        self.assertEqual(person.organisation, self.mhclg)
        self.assertEqual(person.title, "Deputy Director")
        row = Attendance.objects.get()
        self.assertEqual(row.person, person)
        self.assertEqual(row.title_at_meeting, "Deputy Director, Local Government Stewardship")
        self.assertEqual(row.presence, Attendance.Presence.APOLOGIES)

    def test_add_another_returns_to_the_attendance_page(self):
        self.client.force_login(self.sam)
        response = self.add(then="another")
        self.assertRedirects(response, self.url, fetch_redirect_response=False)

    def test_a_person_attends_once(self):
        make_attendance(self.meeting, self.dawn, group="council")
        self.client.force_login(self.sam)
        response = self.add(group="other")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors,
            {"person": ["Dawn Baxendale is already recorded at this meeting"]},
        )
        self.assertContains(response, "<title>Error: Attendance")
        self.assertContains(response, '<a href="#id_person">')
        self.assertEqual(Attendance.objects.count(), 1)

    def test_the_same_person_may_attend_another_meeting(self):
        make_attendance(make_meeting(), self.dawn)
        self.client.force_login(self.sam)
        self.assertEqual(self.add().status_code, 302)
        self.assertEqual(self.meeting.attendances.get().person, self.dawn)

    def test_a_person_must_be_chosen(self):
        self.client.force_login(self.sam)
        response = self.add(person="", group="", presence="")
        errors = response.context["form"].errors
        self.assertEqual(errors["person"], ["Choose the person attending"])
        self.assertEqual(errors["group"], ["Choose whom the person attends for"])
        self.assertEqual(
            errors["presence"], ["Choose whether the person is present or sent apologies"]
        )
        self.assertFalse(Attendance.objects.exists())

    def test_a_new_person_needs_a_name_and_organisation(self):
        self.client.force_login(self.sam)
        response = self.add(who="new", person="", new_title="Adviser")
        self.assertEqual(
            response.context["form"].errors,
            {
                "new_name": ["Enter the new person's name"],
                "new_organisation": ["Choose the new person's organisation"],
            },
        )
        self.assertContains(response, 'value="Adviser"')
        self.assertEqual(Person.objects.filter(title="Adviser").count(), 0)

    def test_a_new_person_already_recorded_is_chosen_instead(self):
        self.client.force_login(self.sam)
        response = self.add(
            who="new", person="", new_name="dawn baxendale", new_organisation=self.council.pk
        )
        self.assertEqual(
            response.context["form"].errors["new_name"],
            ["dawn baxendale of BCC is already recorded: choose them from the list of people"],
        )
        self.assertEqual(Person.objects.filter(name__iexact="Dawn Baxendale").count(), 1)
        self.assertFalse(Attendance.objects.exists())


class AttendanceEditTest(AttendanceCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.row = make_attendance(cls.meeting, cls.john, group="panel", role="chair")
        cls.edit_url = reverse("attendance-edit", args=[cls.row.pk])
        cls.remove_url = reverse("attendance-remove", args=[cls.row.pk])

    def data(self, **changes):
        data = {
            "group": "panel",
            "role": "chair",
            "title_at_meeting": "Chair of BIIP and the meeting",
            "presence": "present",
        }
        return {**data, **changes}

    def test_the_urls(self):
        self.assertEqual(self.edit_url, f"/meetings/attendance/{self.row.pk}/edit/")
        self.assertEqual(self.remove_url, f"/meetings/attendance/{self.row.pk}/remove/")

    def test_anonymous_is_sent_to_sign_in(self):
        for url in (self.edit_url, self.remove_url):
            response = self.client.post(url, self.data(presence="apologies"))
            self.assertRedirects(response, f"/sign-in/?next={url}", fetch_redirect_response=False)
        self.assertTrue(Attendance.objects.filter(presence="present").exists())

    def test_wrong_methods(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.delete(self.edit_url).status_code, 405)
        self.assertEqual(self.client.get(self.remove_url).status_code, 405)
        self.assertTrue(Attendance.objects.exists())

    def test_officer_and_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.edit_url).status_code, 403)
                response = self.client.post(self.edit_url, self.data(presence="apologies"))
                self.assertEqual(response.status_code, 403)
                self.assertEqual(self.client.post(self.remove_url).status_code, 403)
        self.row.refresh_from_db()
        self.assertEqual(self.row.presence, "present")

    def test_missing_attendance_is_404(self):
        self.client.force_login(self.sam)
        url = reverse("attendance-edit", args=[999])
        self.assertEqual(self.client.get(url).status_code, 404)
        url = reverse("attendance-remove", args=[999])
        self.assertEqual(self.client.post(url).status_code, 404)

    def test_form_shows_the_person_and_saved_values(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.edit_url)
        self.assertContains(response, "John Crabtree's attendance</h1>")
        self.assertContains(response, 'value="chair" checked')
        self.assertNotIn("person", response.context["form"].fields)
        self.assertContains(response, f'action="{self.remove_url}"')

    def test_secretariat_records_apologies(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.edit_url, self.data(presence="apologies"))
        self.assertRedirects(
            response, f"/meetings/{self.meeting.pk}/#attendance", fetch_redirect_response=False
        )
        self.row.refresh_from_db()
        self.assertEqual(self.row.presence, Attendance.Presence.APOLOGIES)
        self.assertEqual(self.row.title_at_meeting, "Chair of BIIP and the meeting")
        self.assertEqual(self.row.history.latest().history_user, self.sam)

    def test_bad_input_is_reported(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.edit_url, self.data(role="", presence="absent"))
        errors = response.context["form"].errors
        self.assertEqual(errors["role"], ["Choose the person's role at the meeting"])
        self.assertEqual(
            errors["presence"], ["Choose whether the person is present or sent apologies"]
        )
        self.assertContains(response, "<title>Error: Edit John Crabtree")

    def test_administrator_removes_the_attendance(self):
        self.client.force_login(self.alex)
        response = self.client.post(self.remove_url)
        self.assertRedirects(
            response, f"/meetings/{self.meeting.pk}/#attendance", fetch_redirect_response=False
        )
        self.assertFalse(Attendance.objects.exists())
        self.assertEqual(self.row.history.latest().history_type, "-")
        self.assertEqual(self.row.history.latest().history_user, self.alex)
        self.assertTrue(Person.objects.filter(pk=self.john.pk).exists())
