"""The base test case: one named user per role, built in code."""

import shutil
import tempfile

from django.test import TestCase, override_settings

from biip.models import Role
from tests.factories import make_directorate, make_organisation, make_user


def make_roles(target) -> None:
    """Olivia, Oscar, Pat, Sam and Alex, with their organisations and directorates, set as
    attributes of `target` (a test case class, or a test case in a live-server test)."""
    target.council = make_organisation(name="Birmingham City Council", short_name="BCC")
    target.panel_org = make_organisation(
        name="Birmingham Independent Improvement Panel", short_name="BIIP", kind="panel"
    )
    target.finance = make_directorate(
        name="Finance and Governance", short_name="FG", organisation=target.council
    )
    target.place = make_directorate(name="Place", short_name="PL", organisation=target.council)
    target.olivia = make_user(
        "olivia", Role.OFFICER, organisation=target.council, directorate=target.finance
    )
    target.oscar = make_user(
        "oscar", Role.OFFICER, organisation=target.council, directorate=target.place
    )
    target.pat = make_user("pat", Role.PANEL, organisation=target.panel_org)
    target.sam = make_user("sam", Role.SECRETARIAT, organisation=target.panel_org)
    target.alex = make_user("alex", Role.ADMINISTRATOR, organisation=target.council)
    target.users_by_role = {
        Role.OFFICER: target.olivia,
        Role.PANEL: target.pat,
        Role.SECRETARIAT: target.sam,
        Role.ADMINISTRATOR: target.alex,
    }


class RolesTestCase(TestCase):
    """Olivia is a council officer in Finance and Governance; Oscar an officer of another
    directorate; Pat a panel member; Sam the secretariat; Alex the administrator."""

    @classmethod
    def setUpTestData(cls):
        make_roles(cls)


class MediaRolesTestCase(RolesTestCase):
    """The named users, with uploaded files kept in a temporary MEDIA_ROOT of the class's
    own, removed afterwards."""

    @classmethod
    def setUpClass(cls):
        cls.media = tempfile.mkdtemp(prefix="test-media-")
        cls.media_override = override_settings(MEDIA_ROOT=cls.media)
        cls.media_override.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.media_override.disable()
        shutil.rmtree(cls.media, ignore_errors=True)
