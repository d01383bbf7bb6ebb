"""Two people saving the same record at the same moment: real threads, each with its own
database connection and its own signed-in browser (a test Client), released together by a
barrier after both opened the form on the same version. Every race runs on the database
the suite runs on: on PostgreSQL the test database itself; on SQLite (the default) a
database FILE made for each test from the migrated test database, opened by every thread
with the app's own settings (`transaction_mode` "IMMEDIATE" and a lock timeout, in
biip/settings.py), since the in-memory test database is one connection shared by all.

Each race is made certain: the version check of whoever gets there first is slowed by
DELAY (the real check, then a pause), so the other request arrives while the first is
between its check and its commit. Without the row lock (PostgreSQL) or the write lock
taken when the transaction begins (SQLite) the second would pass the check on the old
version too and overwrite the first (a lost update), or on SQLite be refused with
"database is locked" (a 503, the typed text lost); with it, the second waits, sees the
new version and is shown the conflict with its own answers kept. Minutes are raced two
ways: eight secretaries reading the next number at once, and eight starting one after
another while the one before is still renumbering (without the meeting's lock that gives
two minutes the same number: an IntegrityError, a 500).
"""

import datetime
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from unittest import mock

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import Client, TransactionTestCase
from django.urls import reverse
from django.utils import timezone

import biip.forms
from biip.models import RAG, Role
from meetings import services as meeting_services
from meetings.models import Minute
from plans import services
from plans.models import Action, ProgressUpdate, Risk, current_period
from plans.services import version_of
from reports import services as report_services
from tests.factories import (
    make_action,
    make_directorate,
    make_meeting,
    make_organisation,
    make_plan,
    make_report,
    make_risk,
    make_user,
)

DELAY = 0.2  # seconds the first request holds its check open
ITERATIONS = 3
WRITERS = 8  # secretaries adding minutes at once
ON_SQLITE = connection.vendor == "sqlite"


def copy_test_database(path: Path) -> None:
    """Write the (in-memory, migrated) SQLite test database, as it is now, to a file."""
    own = connections[DEFAULT_DB_ALIAS]
    own.ensure_connection()
    target = sqlite3.connect(path)
    try:
        own.connection.backup(target)
    finally:
        target.close()


@contextmanager
def file_database(path: Path | None):
    """In this thread, the default database is the SQLite file at `path`, opened with the
    app's own OPTIONS (as every request of the app opens it); nothing if `path` is None."""
    if path is None:
        yield
        return
    own = connections[DEFAULT_DB_ALIAS]
    wrapper = own.__class__({**own.settings_dict, "NAME": str(path)}, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = wrapper
    try:
        yield
    finally:
        wrapper.close()
        connections[DEFAULT_DB_ALIAS] = own


@contextmanager
def slowed(module, name: str):
    """`module.name` runs as before, then pauses DELAY in the racing threads (not in the
    test's own thread), holding the transaction open between check and save."""
    original = getattr(module, name)

    def slow(*args, **kwargs):
        result = original(*args, **kwargs)
        if threading.current_thread() is not threading.main_thread():
            time.sleep(DELAY)
        return result

    with mock.patch.object(module, name, slow):
        yield


def race(*calls: Callable, stagger: float = 0, database: Path | None = None):
    """Run the calls in threads released together (the nth `stagger` seconds after the
    first); each thread's result is the call's return value, or the exception it raised.
    Each thread opens its own connection (to the SQLite file `database` if given) and
    closes it."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index: int, call: Callable) -> None:
        try:
            with file_database(database):
                barrier.wait(timeout=10)
                time.sleep(index * stagger)
                results[index] = call()
        except BaseException as error:  # reported by the test, not lost in the thread
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    return results


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class ConcurrencyCase(TransactionTestCase):
    """Olivia and Colin are officers in Finance and Governance; Sam the secretariat, Alex
    the administrator. Every race runs ITERATIONS times on a fresh record. On SQLite the
    whole test (set-up, races, checks) runs on a database file of its own."""

    serialized_rollback = True
    database: Path | None = None

    def setUp(self):
        if ON_SQLITE:
            folder = self.enterContext(tempfile.TemporaryDirectory(prefix="race-"))
            self.database = Path(folder) / "db.sqlite3"
            copy_test_database(self.database)
            self.enterContext(file_database(self.database))
        council = make_organisation(name="Birmingham City Council", short_name="BCC")
        self.finance = make_directorate(
            name="Finance and Governance", short_name="FG", organisation=council
        )
        self.olivia = make_user(
            "olivia", Role.OFFICER, organisation=council, directorate=self.finance
        )
        self.colin = make_user(
            "colin", Role.OFFICER, organisation=council, directorate=self.finance
        )
        self.sam = make_user("sam", Role.SECRETARIAT, organisation=council)
        self.alex = make_user("alex", Role.ADMINISTRATOR, organisation=council)
        self.plan = make_plan(is_current=True)

    def race(self, *calls: Callable, stagger: float = 0) -> list:
        return race(*calls, stagger=stagger, database=self.database)

    def settle(self, responses, texts: list[str]) -> tuple[int, int]:
        """(winner, loser) indexes: no request failed, one saved (302), one was refused
        with the form again (200) keeping the loser's typed text."""
        for response in responses:
            if isinstance(response, BaseException):
                raise response
        statuses = sorted(response.status_code for response in responses)
        self.assertEqual(statuses, [200, 302], "exactly one of the two saves succeeds")
        winner = next(i for i, r in enumerate(responses) if r.status_code == 302)
        loser = 1 - winner
        self.assertContains(responses[loser], texts[loser].replace("'", "&#x27;"))
        return winner, loser

    def history_count(self, record) -> int:
        return record.history.count()


class MonthlyUpdateRace(ConcurrencyCase):
    """Two officers submit the month's update on the same action at once."""

    def answers(self, version: int, rag: str, narrative: str) -> dict:
        return {
            "period": current_period().isoformat(),
            "seen_version": version,
            "rag": rag,
            "narrative": narrative,
            "evidence_links": "",
            "completed_on": "",
            "revised_due_date": "",
            "revision_reason": "",
        }

    def test_one_update_is_saved_and_the_other_is_shown_the_conflict(self):
        olivia, colin = signed_in(self.olivia), signed_in(self.colin)
        for iteration in range(ITERATIONS):
            with self.subTest(iteration=iteration):
                action = make_action(
                    plan=self.plan, directorate=self.finance, lead_officer=self.olivia.person
                )
                url = reverse("action-update", args=[action.pk])
                version = services.action_version(action)
                before = self.history_count(action)
                texts = [f"Olivia {iteration}: late.", f"Colin {iteration}: off track."]
                with slowed(services, "action_version"):
                    responses = self.race(
                        partial(olivia.post, url, self.answers(version, "amber", texts[0])),
                        partial(colin.post, url, self.answers(version, "red", texts[1])),
                    )
                winner, loser = self.settle(responses, texts)
                self.assertContains(
                    responses[loser], "This action changed since you opened the form"
                )
                update = ProgressUpdate.objects.get(action=action)
                self.assertEqual(update.narrative, texts[winner])
                self.assertEqual(update.author, [self.olivia, self.colin][winner])
                action.refresh_from_db()
                self.assertEqual(action.rag, [RAG.AMBER, RAG.RED][winner])
                self.assertEqual(self.history_count(action), before + 1)


class MonthlyUpdateServiceRace(ConcurrencyCase):
    """The same race straight through services.record_update."""

    def test_one_call_saves_and_the_other_raises_conflict(self):
        for iteration in range(ITERATIONS):
            with self.subTest(iteration=iteration):
                action = make_action(
                    plan=self.plan, directorate=self.finance, lead_officer=self.olivia.person
                )
                version = services.action_version(action)

                def save(user, narrative, action=action, version=version):
                    return services.record_update(
                        user=user,
                        action=action,
                        period=current_period(),
                        rag=RAG.AMBER,
                        narrative=narrative,
                        seen_version=version,
                    )

                with slowed(services, "action_version"):
                    results = self.race(
                        lambda: save(self.olivia, "Olivia's narrative."),
                        lambda: save(self.colin, "Colin's narrative."),
                    )
                conflicts = [r for r in results if isinstance(r, services.Conflict)]
                saved = [r for r in results if isinstance(r, ProgressUpdate)]
                self.assertEqual((len(saved), len(conflicts)), (1, 1), results)
                self.assertNotEqual(conflicts[0].version, version)
                update = ProgressUpdate.objects.get(action=action)
                self.assertEqual(update.narrative, saved[0].narrative)


class ActionEditRace(ConcurrencyCase):
    """The secretariat and an administrator edit the same action at once."""

    def data(self, action: Action, version: int, title: str) -> dict:
        return {
            "seen_version": version,
            "reference": action.reference,
            "title": title,
            "description": "",
            "theme": "",
            "directorate": self.finance.pk,
            "lead_officer": self.olivia.person.pk,
            "lead_member": "",
            "start_date": "01/04/2019",
            "original_due_date": "31/12/2019",
            "revised_due_date": "",
            "revision_reason": "",
            "success_measure": "",
            "resources": "",
            "publication_status": "public",
            "exemption_paragraph": "",
            "exemption_review_date": "",
        }

    def test_one_edit_is_saved_and_the_other_is_shown_the_conflict(self):
        sam, alex = signed_in(self.sam), signed_in(self.alex)
        for iteration in range(ITERATIONS):
            with self.subTest(iteration=iteration):
                action = make_action(
                    plan=self.plan, directorate=self.finance, lead_officer=self.olivia.person
                )
                url = reverse("action-edit", args=[action.pk])
                version = action.history.latest().history_id
                before = self.history_count(action)
                texts = [f"Sam's title {iteration}", f"Alex's title {iteration}"]
                with slowed(biip.forms, "latest_history"):
                    responses = self.race(
                        partial(sam.post, url, self.data(action, version, texts[0])),
                        partial(alex.post, url, self.data(action, version, texts[1])),
                    )
                winner, loser = self.settle(responses, texts)
                name = ["Sam Example", "Alex Example"][winner]
                self.assertContains(responses[loser], f"{name} changed this action on")
                action.refresh_from_db()
                self.assertEqual(action.title, texts[winner])
                self.assertEqual(self.history_count(action), before + 1)
                latest = action.history.latest().history_id
                self.assertContains(responses[loser], f'name="seen_version" value="{latest}"')


class RiskUpdateRace(ConcurrencyCase):
    """Two officers of the risk's directorate update it at once."""

    def data(self, version: int, likelihood: str, mitigations: str) -> dict:
        return {
            "seen_version": version,
            "residual_likelihood": likelihood,
            "residual_impact": "4",
            "trend": "auto",
            "mitigations": mitigations,
            "review_date": (timezone.localdate() + datetime.timedelta(days=60)).strftime(
                "%d/%m/%Y"
            ),
            "target_likelihood": "2",
            "target_impact": "3",
        }

    def test_one_update_is_saved_and_the_other_is_shown_the_conflict(self):
        olivia, colin = signed_in(self.olivia), signed_in(self.colin)
        for iteration in range(ITERATIONS):
            with self.subTest(iteration=iteration):
                risk = make_risk(
                    owner=self.olivia.person, directorate=self.finance, level=Risk.Level.OPERATIONAL
                )
                url = reverse("risk-update", args=[risk.pk])
                version = services.risk_version(risk)
                before = self.history_count(risk)
                texts = [f"Olivia's mitigations {iteration}.", f"Colin's mitigations {iteration}."]
                with slowed(services, "risk_version"):
                    responses = self.race(
                        partial(olivia.post, url, self.data(version, "2", texts[0])),
                        partial(colin.post, url, self.data(version, "5", texts[1])),
                    )
                winner, loser = self.settle(responses, texts)
                name = ["Olivia Example", "Colin Example"][winner]
                self.assertContains(responses[loser], f"{name} changed this risk on")
                risk.refresh_from_db()
                self.assertEqual(risk.mitigations, texts[winner])
                self.assertEqual(risk.residual_likelihood, [2, 5][winner])
                self.assertEqual(self.history_count(risk), before + 1)


class MinuteEditRace(ConcurrencyCase):
    """The secretariat and an administrator correct the same minute at once."""

    def test_one_edit_is_saved_and_the_other_is_shown_the_conflict(self):
        sam, alex = signed_in(self.sam), signed_in(self.alex)
        for iteration in range(ITERATIONS):
            with self.subTest(iteration=iteration):
                meeting = make_meeting()
                item = meeting_services.add_agenda_item(
                    user=self.sam, meeting=meeting, heading="Budget"
                )
                minute = meeting_services.add_minute(user=self.sam, item=item, text="Noted.")
                url = reverse("minute-edit", args=[minute.pk])
                version = minute.history.latest().history_id
                before = self.history_count(minute)
                texts = [f"Sam's minute {iteration}.", f"Alex's minute {iteration}."]

                def data(text, version=version):
                    return {
                        "seen_version": version,
                        "text": text,
                        "publication_status": "public",
                        "exemption_paragraph": "",
                        "exemption_review_date": "",
                    }

                with slowed(biip.forms, "latest_history"):
                    responses = self.race(
                        partial(sam.post, url, data(texts[0])),
                        partial(alex.post, url, data(texts[1])),
                    )
                winner, loser = self.settle(responses, texts)
                name = ["Sam Example", "Alex Example"][winner]
                self.assertContains(responses[loser], f"{name} changed this minute on")
                minute.refresh_from_db()
                self.assertEqual(minute.text, texts[winner])
                self.assertEqual(self.history_count(minute), before + 1)


class MinuteNumberingRace(ConcurrencyCase):
    """WRITERS secretaries add minutes to one meeting at once, alternately under its two
    items: every minute is added, numbered 1..WRITERS once each, item 1's minutes first."""

    def add_minutes(self, slow: str, stagger: float = 0):
        writers = [signed_in(self.sam if n % 2 else self.alex) for n in range(WRITERS)]
        for iteration in range(ITERATIONS):
            with self.subTest(iteration=iteration):
                meeting = make_meeting()
                add = meeting_services.add_agenda_item
                items = [
                    add(user=self.sam, meeting=meeting, heading="Welcome"),
                    add(user=self.sam, meeting=meeting, heading="Budget"),
                ]
                urls = [reverse("minute-create", args=[item.pk]) for item in items]
                data = {
                    "publication_status": "public",
                    "exemption_paragraph": "",
                    "exemption_review_date": "",
                }
                with slowed(meeting_services, slow):
                    responses = self.race(
                        *(
                            partial(
                                writers[n].post, urls[n % 2], {**data, "text": f"Minute by {n}."}
                            )
                            for n in range(WRITERS)
                        ),
                        stagger=stagger,
                    )
                for response in responses:
                    if isinstance(response, BaseException):
                        raise response
                self.assertEqual([r.status_code for r in responses], [302] * WRITERS)
                minutes = list(Minute.objects.filter(meeting=meeting).order_by("number"))
                self.assertEqual([m.number for m in minutes], list(range(1, WRITERS + 1)))
                self.assertEqual(
                    sorted(m.text for m in minutes),
                    sorted(f"Minute by {n}." for n in range(WRITERS)),
                )
                order = [m.agenda_item_id for m in minutes]
                self.assertEqual(order, sorted(order, key=[i.pk for i in items].index))

    def test_minutes_added_at_once_are_numbered_uniquely_and_contiguously(self):
        """All read the next number at the same moment."""
        self.add_minutes("_next_number")

    def test_minutes_added_while_others_renumber_are_numbered_uniquely(self):
        """Each starts while the one before is still renumbering the meeting's minutes
        (so without the meeting's lock two would give a minute the same number)."""
        self.add_minutes("renumber", stagger=DELAY / 2)


class SectionEditRace(ConcurrencyCase):
    """The secretariat and an administrator save the same section of a draft report."""

    def test_one_edit_is_saved_and_the_other_is_shown_the_conflict(self):
        sam, alex = signed_in(self.sam), signed_in(self.alex)
        for iteration in range(ITERATIONS):
            with self.subTest(iteration=iteration):
                report = make_report(self.sam, plan=self.plan)
                section = report.sections.get(key="finance")
                url = reverse("report-section-edit", args=[report.pk, section.pk])
                version = version_of(section)
                before = self.history_count(section)
                texts = [f"Sam's narrative {iteration}.", f"Alex's narrative {iteration}."]

                def data(text, version=version):
                    return {
                        "seen_version": version,
                        "heading": "Finance",
                        "body": text,
                        "publication_status": "public",
                        "exemption_paragraph": "",
                        "exemption_review_date": "",
                    }

                with slowed(report_services, "_check_version"):
                    responses = self.race(
                        partial(sam.post, url, data(texts[0])),
                        partial(alex.post, url, data(texts[1])),
                    )
                winner, loser = self.settle(responses, texts)
                self.assertContains(
                    responses[loser], "Someone else saved changes while you were editing"
                )
                section.refresh_from_db()
                self.assertEqual(section.body, texts[winner])
                self.assertEqual(self.history_count(section), before + 1)
                self.assertContains(
                    responses[loser], f'name="seen_version" value="{version_of(section)}"'
                )
