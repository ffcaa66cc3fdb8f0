"""bankcore's gunicorn logger writes the access line gunicorn's own logger writes."""

import datetime
import runpy
from pathlib import Path

import pytest
from gunicorn import glogging
from gunicorn.config import Config

from bankcore.gunicorn_logging import AccessLogger

ROOT = Path(__file__).resolve().parents[3]
ALL_FIXED = " ".join(f"%({atom})s" for atom in "hlursmUqHbBfaTDML")


class Response:
    def __init__(self, status, headers, sent):
        self.status, self.headers, self.sent = status, headers, sent


class Request:
    def __init__(self, headers):
        self.headers = headers


def production_format() -> str:
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))["access_log_format"]


def access_line(logger_class, access_format: str, tmp_path: Path, *, environ, response, request) -> str:
    log = tmp_path / f"{logger_class.__name__}.log"
    cfg = Config()
    cfg.set("accesslog", str(log))
    cfg.set("access_log_format", access_format)
    logger = logger_class(cfg)
    logger.access(response, request, environ, datetime.timedelta(seconds=1, microseconds=234567))
    for handler in logger.access_log.handlers:
        handler.flush()
    return log.read_text()


def exchange(**environ_extra):
    environ = {
        "REMOTE_ADDR": "203.0.113.9",
        "REQUEST_METHOD": "POST",
        "RAW_URI": "/api/transfers?x=1",
        "PATH_INFO": "/api/transfers",
        "QUERY_STRING": "x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_USER_AGENT": 'curl/8 "quoted"',
        "HTTP_REFERER": "https://bank.example/",
        "HTTP_AUTHORIZATION": "Basic YWxpY2U6c2VjcmV0",
        "HTTP_X_FORWARDED_FOR": "198.51.100.7",
        "wsgi.url_scheme": "https",
        "gunicorn.socket": object(),
        **environ_extra,
    }
    request = Request([("HOST", "bank.example"), ("X-Request-ID", "client-1"), ("USER-AGENT", "curl/8")])
    response = Response(
        "201 Created",
        [("Content-Type", "application/json"), ("X-Request-ID", "abc123"), ("Server-Timing", "cpu;dur=1")],
        1234,
    )
    return {"environ": environ, "request": request, "response": response}


@pytest.mark.parametrize(
    "access_format",
    [
        pytest.param(None, id="production"),
        pytest.param(ALL_FIXED, id="every fixed atom"),
        pytest.param(
            "%({x-request-id}o)s %({X-Request-ID}i)s %({host}i)s %({server-timing}o)s %({absent}o)s "
            "%({wsgi.url_scheme}e)s %({HTTP_X_FORWARDED_FOR}e)s %({remote_addr}e)s %({absent}e)s",
            id="headers and environ, any case",
        ),
    ],
)
def test_the_access_line_is_gunicorns_own(tmp_path, monkeypatch, access_format):
    monkeypatch.setattr(glogging.Logger, "now", lambda self: "[07/Dec/2026:23:30:00 +0000]")
    access_format = access_format or production_format()
    ours = access_line(AccessLogger, access_format, tmp_path, **exchange())
    theirs = access_line(glogging.Logger, access_format, tmp_path, **exchange())
    assert ours == theirs
    assert ours.count(" - ") < len(access_format.split()) // 2  # the atoms were found, not '-'


def test_the_production_line_has_the_request_id_and_the_client(tmp_path):
    line = access_line(AccessLogger, production_format(), tmp_path, **exchange())
    assert line.startswith("203.0.113.9 [")
    assert '"POST /api/transfers HTTP/1.1" 201 1234 1234ms abc123 "curl/8 \\"quoted\\""' in line


def test_gunicorn_conf_uses_it():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["logger_class"] == "bankcore.gunicorn_logging.AccessLogger"
