"""A chunked request body (no Content-Length) over MAX_CONTENT_LENGTH answers 413 from the real server,
like one that declares its length; one within the limit is read whole."""

import http.client
import json

from tests.live_server import gunicorn

LIMIT = 2 * 1024 * 1024


def chunked_post(base, path, body: bytes, chunk=64 * 1024):
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        for start in range(0, len(body), chunk):
            part = body[start : start + chunk]
            connection.send(b"%x\r\n%s\r\n" % (len(part), part))
        connection.send(b"0\r\n\r\n")
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_a_chunked_body_over_the_limit_is_413_and_one_within_is_read(tmp_path, live_database):
    too_big = b'{"email": "' + b"x" * LIMIT + b'", "password": "p"}'
    fine = json.dumps({"email": "nobody@example.com", "password": "p"}).encode()

    with gunicorn(tmp_path, live_database) as base:
        status, body = chunked_post(base, "/api/auth/token", too_big)
        small_status, _ = chunked_post(base, "/api/auth/token", fine)

    assert status == 413, body[:300]
    assert json.loads(body)["error"]["code"] == 413
    assert small_status == 401  # parsed, checked, refused: the body arrived whole
