"""meetings.services: numbering continuous through the meeting and renumbered on every
change, the permission each write needs, the minutes' status transitions, formal advice
and promotion into the plan. Tested directly, without views."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.utils import timezone

from biip.models import PublicationStatus
from meetings import services
from meetings.models import AgendaItem, FormalAdvice, Meeting, MeetingAction, Minute
from plans.models import Action
from tests.base import RolesTestCase
from tests.factories import make_directorate, make_meeting, make_person, make_plan


def numbers(meeting: Meeting) -> list[tuple[int, list[int]]]:
    """[(item number, [its minutes' numbers]), ...] in agenda order."""
    items = meeting.agenda_items.order_by("number").prefetch_related("minutes")
    return [(item.number, [m.number for m in item.minutes.order_by("number")]) for item in items]


def texts(meeting: Meeting) -> list[str]:
    return list(meeting.minutes.order_by("number").values_list("text", flat=True))


class NumberingTest(RolesTestCase):
    """Three items: "Welcome" with minutes W1, W2; "Budget" with B1; "Close" with C1."""

    def setUp(self):
        self.meeting = make_meeting()
        add = services.add_agenda_item
        self.welcome = add(user=self.sam, meeting=self.meeting, heading="Welcome")
        self.budget = add(user=self.sam, meeting=self.meeting, heading="Budget")
        self.close = add(user=self.sam, meeting=self.meeting, heading="Close")
        for item, text in (
            (self.welcome, "W1"),
            (self.welcome, "W2"),
            (self.budget, "B1"),
            (self.close, "C1"),
        ):
            services.add_minute(user=self.sam, item=item, text=text)

    def test_items_are_numbered_in_order_and_minutes_continuously(self):
        self.assertEqual(numbers(self.meeting), [(1, [1, 2]), (2, [3]), (3, [4])])
        self.assertEqual(texts(self.meeting), ["W1", "W2", "B1", "C1"])

    def test_a_minute_added_to_an_earlier_item_moves_the_later_minutes_down(self):
        minute = services.add_minute(user=self.sam, item=self.welcome, text="W3")
        self.assertEqual(minute.number, 3)
        self.assertEqual(numbers(self.meeting), [(1, [1, 2, 3]), (2, [4]), (3, [5])])
        self.assertEqual(texts(self.meeting), ["W1", "W2", "W3", "B1", "C1"])

    def test_a_minute_added_to_the_middle_item(self):
        minute = services.add_minute(user=self.alex, item=self.budget, text="B2")
        self.assertEqual(minute.number, 4)
        self.assertEqual(texts(self.meeting), ["W1", "W2", "B1", "B2", "C1"])
        self.assertEqual(minute.history.earliest().history_user, self.alex)

    def test_numbering_is_per_meeting(self):
        other = make_meeting()
        item = services.add_agenda_item(user=self.sam, meeting=other, heading="Welcome")
        minute = services.add_minute(user=self.sam, item=item, text="Elsewhere")
        self.assertEqual((item.number, minute.number), (1, 1))
        self.assertEqual(numbers(self.meeting), [(1, [1, 2]), (2, [3]), (3, [4])])

    def test_moving_an_item_up_renumbers_items_and_minutes(self):
        moved = services.move_agenda_item(user=self.sam, item=self.budget, up=True)
        self.assertEqual(moved.number, 1)
        self.assertEqual(texts(self.meeting), ["B1", "W1", "W2", "C1"])
        self.assertEqual(numbers(self.meeting), [(1, [1]), (2, [2, 3]), (3, [4])])
        headings = list(self.meeting.agenda_items.order_by("number").values_list("heading"))
        self.assertEqual(headings, [("Budget",), ("Welcome",), ("Close",)])
        self.assertEqual(moved.history.latest().history_user, self.sam)

    def test_moving_an_item_down(self):
        moved = services.move_agenda_item(user=self.sam, item=self.welcome, up=False)
        self.assertEqual(moved.number, 2)
        self.assertEqual(texts(self.meeting), ["B1", "W1", "W2", "C1"])

    def test_the_first_item_up_and_the_last_down_change_nothing(self):
        first = services.move_agenda_item(user=self.sam, item=self.welcome, up=True)
        last = services.move_agenda_item(user=self.sam, item=self.close, up=False)
        self.assertEqual((first.number, last.number), (1, 3))
        self.assertEqual(texts(self.meeting), ["W1", "W2", "B1", "C1"])

    def test_removing_a_minute_closes_the_gap(self):
        minute = self.meeting.minutes.get(text="W2")
        services.remove_minute(user=self.sam, minute=minute)
        self.assertEqual(numbers(self.meeting), [(1, [1]), (2, [2]), (3, [3])])
        self.assertFalse(Minute.objects.filter(text="W2").exists())

    def test_a_minute_with_an_action_arising_stays(self):
        minute = self.meeting.minutes.get(text="B1")
        services.record_meeting_action(
            user=self.sam,
            minute=minute,
            description="Report back",
            owner=make_person(),
            due_date=None,
        )
        with self.assertRaises(ValidationError):
            services.remove_minute(user=self.sam, minute=minute)
        self.assertEqual(texts(self.meeting), ["W1", "W2", "B1", "C1"])

    def test_removing_an_item_without_minutes_closes_the_gap(self):
        services.remove_minute(user=self.sam, minute=self.meeting.minutes.get(text="B1"))
        services.remove_agenda_item(user=self.sam, item=self.budget)
        self.assertEqual(numbers(self.meeting), [(1, [1, 2]), (2, [3])])
        self.assertEqual(AgendaItem.objects.get(pk=self.close.pk).number, 2)

    def test_an_item_with_minutes_stays(self):
        with self.assertRaises(ValidationError) as raised:
            services.remove_agenda_item(user=self.sam, item=self.budget)
        self.assertIn("Remove the item's minutes first", raised.exception.messages[0])
        self.assertTrue(AgendaItem.objects.filter(pk=self.budget.pk).exists())

    def test_an_item_is_validated_before_it_is_saved(self):
        with self.assertRaises(ValidationError) as raised:
            services.add_agenda_item(
                user=self.sam,
                meeting=self.meeting,
                heading="Legal advice",
                publication_status=PublicationStatus.EXEMPT,
            )
        self.assertIn("exemption_paragraph", raised.exception.error_dict)
        self.assertEqual(self.meeting.agenda_items.count(), 3)


class PermissionTest(RolesTestCase):
    """Every write is refused to officers and the panel, and changes nothing."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_meeting()
        cls.item = AgendaItem.objects.create(meeting=cls.meeting, number=1, heading="Welcome")
        cls.minute = Minute.objects.create(
            meeting=cls.meeting, agenda_item=cls.item, number=1, text="Noted."
        )
        cls.owner = make_person()

    def test_officer_and_panel_are_refused_every_write(self):
        writes = {
            "add_agenda_item": lambda user: services.add_agenda_item(
                user=user, meeting=self.meeting, heading="More"
            ),
            "move_agenda_item": lambda user: services.move_agenda_item(
                user=user, item=self.item, up=False
            ),
            "remove_agenda_item": lambda user: services.remove_agenda_item(
                user=user, item=self.item
            ),
            "add_minute": lambda user: services.add_minute(user=user, item=self.item, text="More"),
            "remove_minute": lambda user: services.remove_minute(user=user, minute=self.minute),
            "record_meeting_action": lambda user: services.record_meeting_action(
                user=user, minute=self.minute, description="Do", owner=self.owner, due_date=None
            ),
            "record_formal_advice": lambda user: services.record_formal_advice(
                user=user, meeting=self.meeting, none_given=True
            ),
            "move_minutes": lambda user: services.move_minutes(
                user=user, meeting=self.meeting, status="held"
            ),
        }
        for user in (self.olivia, self.pat):
            for name, write in writes.items():
                with (
                    self.subTest(user=user.username, write=name),
                    self.assertRaises(PermissionDenied),
                ):
                    write(user)
        self.assertEqual(self.meeting.agenda_items.count(), 1)
        self.assertEqual(self.meeting.minutes.count(), 1)
        self.assertFalse(MeetingAction.objects.exists())
        self.assertFalse(FormalAdvice.objects.exists())
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.status, Meeting.Status.SCHEDULED)

    def test_an_action_arising_needs_an_owner(self):
        with self.assertRaises(ValidationError) as raised:
            services.record_meeting_action(
                user=self.sam, minute=self.minute, description="Do", owner=None, due_date=None
            )
        self.assertIn("owner", raised.exception.error_dict)
        self.assertFalse(MeetingAction.objects.exists())

    def test_the_owner_updates_their_action_and_no_other_officer_may(self):
        olivia = self.olivia.person
        action = services.record_meeting_action(
            user=self.sam, minute=self.minute, description="Do", owner=olivia, due_date=None
        )
        with self.assertRaises(PermissionDenied):
            services.update_meeting_action(user=self.oscar, action=action, status="done", note="")
        done = services.update_meeting_action(
            user=self.olivia, action=action, status="done", note="  Shared.  "
        )
        self.assertEqual(done.completed_on, timezone.localdate())
        self.assertEqual(done.note, "Shared.")
        self.assertEqual(done.history.latest().history_user, self.olivia)
        reopened = services.update_meeting_action(
            user=self.sam, action=action, status="open", note="Not yet."
        )
        self.assertIsNone(reopened.completed_on)


class FormalAdviceTest(RolesTestCase):
    def setUp(self):
        self.meeting = make_meeting()

    def advice(self):
        return [(a.none_given, a.advice) for a in self.meeting.formal_advice.order_by("pk")]

    def test_advice_is_added_and_none_given_replaces_it(self):
        record = services.record_formal_advice
        record(user=self.sam, meeting=self.meeting, none_given=False, advice=" Publish more. ")
        record(user=self.sam, meeting=self.meeting, none_given=False, advice="Pay well.")
        self.assertEqual(self.advice(), [(False, "Publish more."), (False, "Pay well.")])
        record(user=self.alex, meeting=self.meeting, none_given=True, advice="ignored")
        self.assertEqual(self.advice(), [(True, "")])
        self.assertEqual(self.meeting.formal_advice.get().history.get().history_user, self.alex)

    def test_advice_replaces_none_given(self):
        record = services.record_formal_advice
        record(user=self.sam, meeting=self.meeting, none_given=True)
        record(user=self.sam, meeting=self.meeting, none_given=True)
        self.assertEqual(self.advice(), [(True, "")])
        record(user=self.sam, meeting=self.meeting, none_given=False, advice="Be open.")
        self.assertEqual(self.advice(), [(False, "Be open.")])

    def test_advice_cannot_be_empty(self):
        services.record_formal_advice(user=self.sam, meeting=self.meeting, none_given=True)
        with self.assertRaises(ValidationError):
            services.record_formal_advice(
                user=self.sam, meeting=self.meeting, none_given=False, advice="  "
            )
        self.assertEqual(self.advice(), [(True, "")])


class MoveMinutesTest(RolesTestCase):
    def setUp(self):
        self.meeting = make_meeting(date=datetime.date(2019, 1, 29))
        self.february = make_meeting(date=datetime.date(2019, 2, 27))
        self.december = make_meeting(date=datetime.date(2018, 12, 18))

    def move(self, status, **kwargs):
        services.move_minutes(user=self.sam, meeting=self.meeting, status=status, **kwargs)
        self.meeting.refresh_from_db()

    def test_the_whole_life_agreed_at_the_next_meeting(self):
        self.move("held")
        self.assertEqual(self.meeting.status, Meeting.Status.HELD)
        self.move("drafted")
        self.move("agreed", agreed_at=self.february)
        self.assertEqual(self.meeting.minutes_agreed_at, self.february)
        self.assertEqual(self.meeting.minutes_agreed_on, datetime.date(2019, 2, 27))
        self.move("published", on=datetime.date(2019, 3, 1))
        self.assertEqual(self.meeting.status, Meeting.Status.PUBLISHED)
        self.assertEqual(self.meeting.minutes_published_on, datetime.date(2019, 3, 1))
        self.assertEqual(self.meeting.history.latest().history_user, self.sam)

    def test_agreed_outside_a_meeting(self):
        self.move("held")
        self.move("drafted")
        self.move("agreed", on=datetime.date(2019, 2, 4))
        self.assertIsNone(self.meeting.minutes_agreed_at)
        self.assertEqual(self.meeting.minutes_agreed_on, datetime.date(2019, 2, 4))

    def test_withdrawing_publication_clears_the_date_and_keeps_the_agreement(self):
        for status in ("held", "drafted", "agreed", "published"):
            self.move(status, agreed_at=self.february)
        self.move("agreed")
        self.assertEqual(self.meeting.status, Meeting.Status.MINUTES_AGREED)
        self.assertIsNone(self.meeting.minutes_published_on)
        self.assertEqual(self.meeting.minutes_agreed_at, self.february)

    def test_agreed_minutes_do_not_go_back_to_draft(self):
        # They are corrected by an amendment, which records what changed and why.
        for status in ("held", "drafted", "agreed"):
            self.move(status, agreed_at=self.february)
        with self.assertRaises(ValidationError):
            self.move("drafted")
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.status, Meeting.Status.MINUTES_AGREED)

    def test_only_the_next_step_is_allowed(self):
        refused = {
            "scheduled": ["drafted", "agreed", "published", "scheduled"],
            "held": ["scheduled", "agreed", "published", "held"],
            "drafted": ["scheduled", "held", "published"],
            "agreed": ["scheduled", "held", "drafted"],
            "published": ["scheduled", "held", "drafted"],
        }
        for current, statuses in refused.items():
            Meeting.objects.filter(pk=self.meeting.pk).update(status=current)
            for status in statuses:
                with self.subTest(current=current, status=status):
                    with self.assertRaises(ValidationError) as raised:
                        self.move(status)
                    self.assertIn("status", raised.exception.error_dict)
                    self.meeting.refresh_from_db()
                    self.assertEqual(self.meeting.status, current)

    def test_agreed_at_an_earlier_meeting_is_refused(self):
        self.move("held")
        self.move("drafted")
        for earlier in (self.december, self.meeting):
            with self.assertRaises(ValidationError) as raised:
                self.move("agreed", agreed_at=earlier)
            self.assertIn("agreed_at", raised.exception.error_dict)
        self.meeting.refresh_from_db()
        self.assertIsNone(self.meeting.minutes_agreed_on)
        self.assertEqual(self.meeting.status, Meeting.Status.MINUTES_DRAFTED)

    def test_a_meeting_is_not_held_before_its_date(self):
        future = make_meeting(date=timezone.localdate() + datetime.timedelta(days=1))
        with self.assertRaises(ValidationError):
            services.move_minutes(user=self.sam, meeting=future, status="held")
        future.refresh_from_db()
        self.assertEqual(future.status, Meeting.Status.SCHEDULED)


class PromoteTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        meeting = make_meeting()
        item = AgendaItem.objects.create(meeting=meeting, number=1, heading="Welcome")
        minute = Minute.objects.create(meeting=meeting, agenda_item=item, number=1, text="N.")
        cls.action = MeetingAction.objects.create(
            meeting=meeting, minute=minute, description="Share the pack", owner=make_person()
        )
        cls.plan = make_plan()

    def fields(self, reference="IP19-30"):
        directorate = make_directorate()
        return {
            "plan": self.plan,
            "reference": reference,
            "title": "Share the guidance pack",
            "directorate": directorate,
            "lead_officer": make_person(organisation=directorate.organisation),
            "original_due_date": datetime.date(2019, 3, 31),
        }

    def test_promote_links_both_ways_and_refuses_a_second_time(self):
        plan_action = services.promote_meeting_action(
            user=self.sam, action=self.action, **self.fields()
        )
        self.action.refresh_from_db()
        self.assertEqual(self.action.promoted_to, plan_action)
        self.assertEqual(plan_action.arising_from, self.action)
        with self.assertRaises(ValidationError):
            services.promote_meeting_action(
                user=self.sam, action=self.action, **self.fields("IP19-31")
            )
        self.assertEqual(Action.objects.count(), 1)

    def test_officer_and_panel_cannot_promote(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                services.promote_meeting_action(user=user, action=self.action, **self.fields())
        self.assertFalse(Action.objects.exists())


class RenumberTest(TestCase):
    """renumber() on its own puts right whatever order the rows were left in."""

    def test_gaps_and_out_of_order_minutes_are_put_right(self):
        from django.contrib.auth.models import User

        user = User.objects.create_user("renumberer")
        meeting = make_meeting()
        second = AgendaItem.objects.create(meeting=meeting, number=7, heading="Second")
        first = AgendaItem.objects.create(meeting=meeting, number=2, heading="First")
        Minute.objects.create(meeting=meeting, agenda_item=second, number=1, text="S1")
        Minute.objects.create(meeting=meeting, agenda_item=first, number=5, text="F1")
        Minute.objects.create(meeting=meeting, agenda_item=first, number=9, text="F2")
        services.renumber(meeting, user=user)
        self.assertEqual(numbers(meeting), [(1, [1, 2]), (2, [3])])
        self.assertEqual(texts(meeting), ["F1", "F2", "S1"])


class AmendmentTest(RolesTestCase):
    """Agreed minutes change only through an amendment, which records each change in the
    transaction that makes it: what (in words), why, who, when."""

    def setUp(self):
        self.meeting = make_meeting()
        add = services.add_agenda_item
        self.welcome = add(user=self.sam, meeting=self.meeting, heading="Welcome")
        self.secret = add(
            user=self.sam,
            meeting=self.meeting,
            heading="Secret",
            publication_status=PublicationStatus.CONFIDENTIAL,
        )
        self.w1 = services.add_minute(user=self.sam, item=self.welcome, text="W1")
        self.s1 = services.add_minute(user=self.sam, item=self.secret, text="S1")
        Meeting.objects.filter(pk=self.meeting.pk).update(status=Meeting.Status.MINUTES_AGREED)
        self.meeting.refresh_from_db()

    def amend(self, change, reason="Corrected at the next meeting."):
        amendment = services.open_amendment(user=self.sam, meeting=self.meeting, reason=reason)
        change()
        return services.finish_amendment(user=self.sam, amendment=amendment)

    def test_every_change_is_refused_without_an_amendment(self):
        before = numbers(self.meeting), texts(self.meeting)
        refused = [
            lambda: services.add_agenda_item(user=self.sam, meeting=self.meeting, heading="X"),
            lambda: services.move_agenda_item(user=self.sam, item=self.welcome, up=False),
            lambda: services.add_minute(user=self.sam, item=self.welcome, text="X"),
            lambda: services.remove_minute(user=self.sam, minute=self.w1),
            lambda: services.save_edit(user=self.sam, record=self.w1, changed=["minute"]),
            lambda: services.record_formal_advice(
                user=self.sam, meeting=self.meeting, none_given=True
            ),
        ]
        for change in refused:
            with self.assertRaises(services.MinutesAreARecord):
                change()
        self.assertEqual((numbers(self.meeting), texts(self.meeting)), before)
        self.assertFalse(FormalAdvice.objects.exists())

    def test_an_amendment_records_what_why_who_and_when(self):
        def change():
            services.add_minute(user=self.sam, item=self.welcome, text="W2")
            services.move_agenda_item(user=self.sam, item=self.secret, up=True)

        amendment = self.amend(change)
        self.assertEqual(
            amendment.change_list,
            [
                "minute 2 added under item 1; the minutes after it renumbered",
                "item 2 moved up to 1; minutes renumbered",
            ],
        )
        self.assertEqual(amendment.reason, "Corrected at the next meeting.")
        self.assertEqual(amendment.made_by, self.sam)
        self.assertLessEqual(amendment.opened_at, amendment.finished_at)
        self.assertEqual(amendment.history.latest().history_user, self.sam)
        # Moving the confidential item touched withheld content.
        self.assertTrue(amendment.touches_withheld)
        self.assertIn("withheld content was amended", amendment.public_note)
        self.assertNotIn("Corrected", amendment.public_note)
        self.assertEqual(numbers(self.meeting), [(1, [1]), (2, [2, 3])])
        self.assertTrue(self.meeting.is_locked_for(self.sam))

    def test_a_public_amendment_tells_the_public_what_and_why(self):
        amendment = self.amend(
            lambda: services.add_minute(user=self.sam, item=self.welcome, text="W2")
        )
        self.assertFalse(amendment.touches_withheld)
        self.assertIn(
            "minute 2 added under item 1; the minutes after it renumbered. Reason: Corrected",
            amendment.public_note,
        )

    def test_a_refused_change_leaves_no_line_in_the_amendment(self):
        amendment = services.open_amendment(user=self.sam, meeting=self.meeting, reason="R")
        with self.assertRaises(ValidationError):
            services.remove_agenda_item(user=self.sam, item=self.welcome)  # it has minutes
        amendment.refresh_from_db()
        self.assertEqual(amendment.changes, "")

    def test_someone_elses_open_amendment_does_not_let_you_edit(self):
        services.open_amendment(user=self.alex, meeting=self.meeting, reason="R")
        with self.assertRaises(services.MinutesAreARecord):
            services.add_minute(user=self.sam, item=self.welcome, text="X")
        with self.assertRaises(ValidationError):
            services.open_amendment(user=self.sam, meeting=self.meeting, reason="Mine")

    def test_publishing_waits_for_the_amendment_to_finish(self):
        services.open_amendment(user=self.sam, meeting=self.meeting, reason="R")
        with self.assertRaises(ValidationError):
            services.move_minutes(user=self.sam, meeting=self.meeting, status="published")
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.status, Meeting.Status.MINUTES_AGREED)

    def test_publishing_freezes_the_public_version(self):
        services.move_minutes(user=self.sam, meeting=self.meeting, status="published")
        publication = self.meeting.publications.get()
        self.assertEqual(publication.published_by, self.sam)
        self.assertEqual(
            [(i["number"], i["withheld"], i["heading"]) for i in publication.outline["items"]],
            [(1, False, "Welcome"), (2, True, "")],
        )
        self.assertNotIn("S1", str(publication.outline))
