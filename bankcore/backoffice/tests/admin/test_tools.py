"""The back office's Tools section: the index lists silk, the database report and cache
statistics to the staff whose permissions open them (the engineering role), and to no one
else; its own page (/admin/tools/) lists the same, or is a 404 to staff who may open none."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from accounts.tests.helpers import admin_login

pytestmark = pytest.mark.django_db

SILK = '<a href="/silk/">Profiling (silk)</a>'
DATABASE_REPORT = '<a href="/admin/database-report/">Database report</a>'
CACHE_STATS = '<a href="/api/ops/cache-stats">Cache statistics</a>'
NOTHING = "have permission to view or edit anything"  # Django's empty index


def _member(role: str):
    member = UserFactory(is_staff=True, email=f"{role}@example.test")
    member.groups.add(Group.objects.get(name=role))
    return member


@pytest.fixture(autouse=True)
def _silk_installed():
    # The silk row is listed only where silk is mounted; the test settings mount it by default.
    if not apps.is_installed("silk"):
        pytest.skip("silk is off: run with SILK_ENABLED=true (the test settings' default)")


def test_engineering_sees_its_tools_on_the_index_and_each_link_opens():
    client = admin_login(_member("engineering").email, DEFAULT_PASSWORD)
    index = client.get("/admin/").content.decode()
    assert NOTHING not in index
    for link in (SILK, DATABASE_REPORT, CACHE_STATS):
        assert link in index
    assert '<a href="/admin/tools/" class="section"' in index
    # Settings stay the superusers': engineering holds no permission on them.
    assert "/admin/bankcore/systemsetting/" not in index
    for url in ("/silk/", "/admin/database-report/", "/api/ops/cache-stats", "/admin/tools/"):
        assert client.get(url).status_code == 200, url
    tools = client.get("/admin/tools/").content.decode()
    for link in (SILK, DATABASE_REPORT, CACHE_STATS):
        assert link in tools


def test_support_sees_no_tools_and_their_page_is_a_404():
    client = admin_login(_member("support").email, DEFAULT_PASSWORD)
    index = client.get("/admin/").content.decode()
    for link in (SILK, DATABASE_REPORT, CACHE_STATS, "/admin/tools/"):
        assert link not in index
    assert "/admin/accounts/user/" in index  # support's own pages are still there
    assert client.get("/admin/tools/").status_code == 404


def test_each_tool_is_listed_for_its_own_permission_only(client):
    member = UserFactory(is_staff=True)
    member.user_permissions.add(Permission.objects.get(codename="view_database_report"))
    client.force_login(member)
    index = client.get("/admin/").content.decode()
    assert DATABASE_REPORT in index
    assert SILK not in index
    assert CACHE_STATS not in index
    assert NOTHING not in index


def test_superusers_see_every_tool_and_the_settings(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    index = client.get("/admin/").content.decode()
    for link in (SILK, DATABASE_REPORT, CACHE_STATS, "/admin/bankcore/systemsetting/"):
        assert link in index


def test_the_tools_are_not_listed_before_the_second_factor(client):
    member = _member("engineering")
    client.force_login(member, verified=False)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert client.get("/admin/tools/").status_code == 302
