"""Staff find a profile by its exact national ID through a POST form and the keyed hash: the
number never travels in a URL, so neither silk nor the access log nor a Referer keeps it."""

import logging
import socket
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import models
from gunicorn.app.base import Application
from gunicorn.glogging import Logger
from gunicorn.http import wsgi
from gunicorn.http.parser import RequestParser
from silk.collector import DataCollector

from accounts.tests.factories import UserFactory
from accounts.tests.helpers import BackOfficeClient
from audit import actions
from audit.models import AuditEvent
from kyc import crypto
from kyc.tests.factories import submitted_profile

pytestmark = pytest.mark.django_db

SEARCH_URL = "/admin/kyc/kycprofile/national-id-search/"
CHANGELIST = "/admin/kyc/kycprofile/"
NUMBER = "ZX-4815-1623"
# What must appear nowhere: the number as typed, as stored, and its keyed hash.
TRACES = ("4815-1623", "48151623")


@pytest.fixture
def officer(client):
    """A member of the compliance group, as staff are given their powers."""
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="compliance"))
    client.force_login(user)
    return user


def test_a_national_id_posted_lands_on_its_profile_and_is_audited(client, officer):
    target = submitted_profile(UserFactory(email="zoe@example.test"), national_id=NUMBER)
    other = submitted_profile(UserFactory(), national_id="Q1111-2222")
    response = client.post(SEARCH_URL, {"national_id": "zx 4815 1623"})
    assert response.status_code == 302
    assert response["Location"] == f"{CHANGELIST}?{urlencode({'id__in': target.pk})}"
    page = client.get(response["Location"]).content.decode()
    assert target.customer.email in page
    assert other.customer.email not in page
    event = AuditEvent.objects.get(action=actions.KYC_NATIONAL_ID_SEARCHED)
    assert (event.actor_id, event.object_type) == (officer.pk, "kyc.kycprofile")
    assert event.object_id == str(target.pk)
    assert event.after == {"profiles": [target.pk]}


def test_every_profile_sharing_a_national_id_is_listed(client, officer):
    first, second = (submitted_profile(UserFactory(), national_id=NUMBER) for _ in range(2))
    response = client.post(SEARCH_URL, {"national_id": NUMBER})
    assert response["Location"] == f"{CHANGELIST}?{urlencode({'id__in': f'{first.pk},{second.pk}'})}"
    event = AuditEvent.objects.get(action=actions.KYC_NATIONAL_ID_SEARCHED)
    assert (event.object_id, event.after) == ("", {"profiles": [first.pk, second.pk]})


def test_a_national_id_nobody_has_says_so_and_is_audited(client, officer):
    submitted_profile(UserFactory(), national_id=NUMBER)
    response = client.post(SEARCH_URL, {"national_id": "ZX-0000-0000"}, follow=True)
    assert response.redirect_chain == [(CHANGELIST, 302)]
    assert "No KYC profile has that national ID." in response.content.decode()
    assert AuditEvent.objects.get(action=actions.KYC_NATIONAL_ID_SEARCHED).after == {"profiles": []}


@pytest.mark.parametrize("typed", ["", " - - "])
def test_a_blank_national_id_searches_nothing(client, officer, typed):
    response = client.post(SEARCH_URL, {"national_id": typed}, follow=True)
    assert response.redirect_chain == [(CHANGELIST, 302)]
    assert "Type a national ID number" in response.content.decode()
    assert not AuditEvent.objects.filter(action=actions.KYC_NATIONAL_ID_SEARCHED).exists()


def test_the_national_id_search_takes_no_get(client, officer):
    submitted_profile(UserFactory(), national_id=NUMBER)
    assert client.get(SEARCH_URL, {"national_id": NUMBER}).status_code == 405
    assert not AuditEvent.objects.filter(action=actions.KYC_NATIONAL_ID_SEARCHED).exists()


def test_the_national_id_search_needs_the_csrf_token(officer):
    browser = BackOfficeClient(enforce_csrf_checks=True)
    browser.force_login(officer)
    assert browser.post(SEARCH_URL, {"national_id": NUMBER}).status_code == 403
    page = browser.get(CHANGELIST).content.decode()
    assert f'action="{SEARCH_URL}"' in page
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    assert browser.post(SEARCH_URL, {"national_id": NUMBER, "csrfmiddlewaretoken": token}).status_code == 302


def test_staff_who_may_not_read_kyc_profiles_cannot_search_by_national_id(client):
    support = UserFactory(is_staff=True)
    support.user_permissions.set(Permission.objects.filter(codename="view_user"))
    client.force_login(support)
    submitted_profile(UserFactory(), national_id=NUMBER)
    assert client.post(SEARCH_URL, {"national_id": NUMBER}).status_code == 403
    assert not AuditEvent.objects.filter(action=actions.KYC_NATIONAL_ID_SEARCHED).exists()


def test_the_ordinary_search_no_longer_matches_national_ids(client, officer):
    target = submitted_profile(UserFactory(), national_id=NUMBER)
    page = client.get(CHANGELIST, {"q": NUMBER}).content.decode()
    assert target.customer.email not in page
    assert target.customer.email in client.get(CHANGELIST, {"q": target.customer.email}).content.decode()


# ---- what the search leaves behind: silk and the access log


class _ProjectGunicorn(Application):
    """gunicorn's configuration as `gunicorn -c gunicorn.conf.py` loads it, serving nothing."""

    def load_config(self):
        self.load_config_from_file(str(settings.BASE_DIR / "gunicorn.conf.py"))


def _access_log_line(request) -> str:
    """The line gunicorn's access log writes for ``request`` (a Django request the test client
    made), parsed from its HTTP bytes by gunicorn's own parser and formatted by its logger
    with the project's settings."""
    meta = request.META
    target = meta["PATH_INFO"] + (f"?{meta['QUERY_STRING']}" if meta.get("QUERY_STRING") else "")
    headers = [("Host", "bankcore.example.com"), ("User-Agent", "Mozilla/5.0")]
    if "HTTP_REFERER" in meta:
        headers.append(("Referer", meta["HTTP_REFERER"]))
    raw = f"{meta['REQUEST_METHOD']} {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    cfg = _ProjectGunicorn().cfg
    logger = Logger(cfg)
    lines = []
    capture = logging.Handler()
    capture.emit = lambda record: lines.append(record.getMessage())
    logger.access_log.addHandler(capture)
    server, client = socket.socketpair()
    try:
        parsed = next(iter(RequestParser(cfg, iter([(raw + "\r\n").encode()]), ("203.0.113.9", 50123))))
        response, environ = wsgi.create(parsed, server, ("203.0.113.9", 50123), ("127.0.0.1", 8000), cfg)
        response.start_response("200 OK", [])
        logger.access(response, parsed, environ, timedelta(milliseconds=4))
    finally:
        logger.access_log.removeHandler(capture)
        server.close()
        client.close()
    (line,) = lines
    return line


@pytest.fixture
def silk_records_everything(settings):
    settings.SILK_SAMPLE_PERCENT = 100
    yield
    # silk keeps the last recorded request as current until another request comes in: the
    # next test's queries would be recorded (and EXPLAINed) against it.
    DataCollector().clear()


def _silk_text() -> str:
    """Every text column of every row silk keeps (requests, responses, SQL, profiles)."""
    texts = []
    for model in apps.get_app_config("silk").get_models():
        fields = [
            field.name
            for field in model._meta.get_fields()
            if isinstance(field, (models.CharField, models.TextField))
        ]
        for row in model.objects.values_list(*fields):
            texts.extend(str(value) for value in row)
    return "\n".join(texts)


@pytest.mark.usefixtures("silk_records_everything")
def test_a_national_id_search_leaves_the_number_in_no_profile_and_no_access_log(client, officer):
    target = submitted_profile(UserFactory(), national_id=NUMBER)
    requests = []
    # Out of habit, the number typed into the ordinary search box first; then the form.
    typed = client.get(CHANGELIST, {"q": NUMBER})
    requests.append(typed.wsgi_request)
    referer = f"https://bankcore.example.com{CHANGELIST}?{urlencode({'q': NUMBER})}"
    searched = client.post(SEARCH_URL, {"national_id": NUMBER}, HTTP_REFERER=referer)
    requests.append(searched.wsgi_request)
    landed = client.get(searched["Location"], HTTP_REFERER=referer)
    requests.append(landed.wsgi_request)

    recorded = _silk_text()
    lines = [_access_log_line(request) for request in requests]
    assert all(CHANGELIST in line for line in lines)
    for trace in (*TRACES, crypto.lookup_hash(NUMBER)):
        assert trace not in recorded
        for line in lines:
            assert trace not in line
    assert target.customer.email in landed.content.decode()


@pytest.mark.usefixtures("silk_records_everything")
def test_silk_keeps_no_national_id_hash_of_a_profile_update(customer_client):
    response = customer_client.put(
        "/api/kyc/profile",
        {
            "legal_name": "Zoë Ångström",
            "date_of_birth": "1990-04-01",
            "nationality": "SE",
            "residence_country": "DE",
            "address": "Unter den Linden 1, 10117 Berlin",
            "national_id": NUMBER,
        },
        format="json",
    )
    assert response.status_code == 200
    recorded = _silk_text()
    assert "/api/kyc/profile" in recorded, "the request itself is still profiled"
    for trace in (*TRACES, crypto.lookup_hash(NUMBER)):
        assert trace not in recorded
