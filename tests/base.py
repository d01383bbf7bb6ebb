"""The base test case: one named user per role, built in code."""

import shutil
import tempfile

from django.test import TestCase, override_settings

from biip.models import Role
from tests.factories import make_directorate, make_organisation, make_user


class RolesTestCase(TestCase):
    """Olivia is a council officer in Finance and Governance; Oscar an officer of another
    directorate; Pat a panel member; Sam the secretariat; Alex the administrator."""

    @classmethod
    def setUpTestData(cls):
        cls.council = make_organisation(name="Birmingham City Council", short_name="BCC")
        cls.panel_org = make_organisation(
            name="Birmingham Independent Improvement Panel", short_name="BIIP", kind="panel"
        )
        cls.finance = make_directorate(
            name="Finance and Governance", short_name="FG", organisation=cls.council
        )
        cls.place = make_directorate(name="Place", short_name="PL", organisation=cls.council)
        cls.olivia = make_user(
            "olivia", Role.OFFICER, organisation=cls.council, directorate=cls.finance
        )
        cls.oscar = make_user(
            "oscar", Role.OFFICER, organisation=cls.council, directorate=cls.place
        )
        cls.pat = make_user("pat", Role.PANEL, organisation=cls.panel_org)
        cls.sam = make_user("sam", Role.SECRETARIAT, organisation=cls.panel_org)
        cls.alex = make_user("alex", Role.ADMINISTRATOR, organisation=cls.council)
        cls.users_by_role = {
            Role.OFFICER: cls.olivia,
            Role.PANEL: cls.pat,
            Role.SECRETARIAT: cls.sam,
            Role.ADMINISTRATOR: cls.alex,
        }


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
