"""Slow clients cannot pin the workers: with 200 sockets sending their headers a line at a time,
everyone else is still served at once (gunicorn.conf.py, gevent workers)."""

import socket
import threading
import time
import urllib.request

from tests.live_server import gunicorn

SLOW_SOCKETS = 200


def open_slow_sockets(base, count, stop):
    """Sockets that send a request line, then one header line every 2 s, and never finish."""
    host, port = base.removeprefix("http://").split(":")
    sockets = []
    for _ in range(count):
        sock = socket.create_connection((host, int(port)), timeout=5)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        sockets.append(sock)

    def trickle():
        n = 0
        while not stop.wait(2):
            n += 1
            for sock in sockets:
                try:
                    sock.sendall(f"X-Slow-{n}: y\r\n".encode())
                except OSError:
                    pass

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    return sockets, thread


def test_health_answers_within_a_second_while_200_slow_sockets_are_open(tmp_path, live_database):
    with gunicorn(tmp_path, live_database) as base:
        stop = threading.Event()
        sockets, thread = open_slow_sockets(base, SLOW_SOCKETS, stop)
        try:
            time.sleep(3)  # the slow clients have started their headers and hold their connections
            timings = []
            for _ in range(5):
                start = time.perf_counter()
                with urllib.request.urlopen(f"{base}/health", timeout=10) as response:
                    assert response.status == 200
                timings.append(time.perf_counter() - start)
            # The slow sockets are still open (none was dropped to make room).
            assert sum(1 for s in sockets if s.fileno() != -1) == SLOW_SOCKETS
        finally:
            stop.set()
            thread.join()
            for sock in sockets:
                sock.close()
    assert max(timings) < 1.0, timings
