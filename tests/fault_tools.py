"""Faults a test controls: its own redis-server to kill or freeze, a database port that never answers,
and a TCP proxy to PostgreSQL that can be switched into such a black hole and back.

Never the machine's shared Redis or PostgreSQL: each tool here listens on a free port of its own and
stops (only) what it started.
"""

import contextlib
import os
import select
import shutil
import signal
import socket
import subprocess
import threading
import time

import pytest
import redis

from tests.live_server import free_port


class RedisServer:
    """A throwaway redis-server (no persistence) on a free port: ``kill()``, ``freeze()``, ``thaw()``, ``start()``."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = self.client()
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return self
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def client(self):
        return redis.Redis.from_url(self.url, socket_timeout=2, socket_connect_timeout=2)

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def freeze(self):
        # Stopped, the server's kernel still accepts connections and buffers commands: nothing answers.
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self):
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.thaw()
            self.kill()


@contextlib.contextmanager
def redis_server():
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.stop()


class TcpProxy:
    """Forwards a free local port to ``target``; ``black_hole()`` makes it a database that never answers.

    In black-hole mode new connections are accepted and never answered, and the open ones stop carrying
    anything in either direction while staying open: what a frozen server (or a path that swallows
    packets) looks like to a client. ``forward()`` puts it back; connections that were held are closed.
    """

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=512)
        self.port = self.listener.getsockname()[1]
        self.forwarding = threading.Event()
        self.forwarding.set()
        self.closed = threading.Event()
        self.held = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def black_hole(self):
        self.forwarding.clear()

    def forward(self):
        with self.lock:
            held, self.held = self.held, []
        for sock in held:
            sock.close()
        self.forwarding.set()

    def close(self):
        self.closed.set()
        self.listener.close()
        self.forward()

    def _accept(self):
        while not self.closed.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.forwarding.is_set():
                with self.lock:
                    self.held.append(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            threading.Thread(target=self._relay, args=(client, upstream), daemon=True).start()

    def _relay(self, client, upstream):
        peers = {client: upstream, upstream: client}
        try:
            while not self.closed.is_set():
                if not self.forwarding.is_set():
                    # Frozen: read nothing, send nothing, keep both sockets open until forwarding resumes;
                    # then the connection is dropped, as a restarted server would.
                    self.forwarding.wait()
                    return
                readable, _, _ = select.select(list(peers), [], [], 0.1)
                if not self.forwarding.is_set():
                    continue
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    peers[sock].sendall(data)
        except OSError:
            return
        finally:
            client.close()
            upstream.close()


@contextlib.contextmanager
def tcp_proxy(host, port):
    proxy = TcpProxy(host, port)
    try:
        yield proxy
    finally:
        proxy.close()


@contextlib.contextmanager
def black_hole_port():
    """A port that accepts connections and never says a word; yields the port."""
    with tcp_proxy("127.0.0.1", 9) as proxy:  # never forwarded: it starts in black-hole mode
        proxy.black_hole()
        yield proxy.port


def refused_port():
    """A port nothing listens on (connections are refused at once)."""
    return free_port()
