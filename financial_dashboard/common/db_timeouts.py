"""Deadlines on every PostgreSQL wait: connecting, each statement, and a connection from the pool.

Without them a database that accepts connections and never answers holds each request (and with it
a worker or a pooled connection) forever. The server enforces ``statement_timeout`` for slow queries,
but a frozen server, or a network path that swallows the answers, never sends that cancellation: so
the client also gives up, a second after the statement timeout, and drops the connection. SQLAlchemy
then sees a closed connection, invalidates the pool and reconnects once the database is back.
``pool_pre_ping`` checks each pooled connection before use; that ping gets the connect timeout rather
than the statement's, so a request that meets a frozen database fails in about twice the connect
timeout (ping, then one attempt to reconnect) and the next ones in one connect timeout.
"""

import math

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import make_url

# Ours, not libpq's: taken out of connect_args before psycopg sees them.
ANSWER_TIMEOUT_ARG = "answer_timeout_s"
PING_TIMEOUT_ARG = "ping_timeout_s"
# The client waits this much longer than the server's statement timeout, so that a slow query is
# normally cancelled by the server (a clean error on a connection that stays usable).
ANSWER_MARGIN_S = 1.0
# libpq treats any connect_timeout below 2 s as 2 s.
MIN_CONNECT_TIMEOUT_S = 2


def engine_options(config) -> dict:
    """SQLALCHEMY_ENGINE_OPTIONS with the timeouts added for PostgreSQL; explicit settings win."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql" or url.get_driver_name() != "psycopg":
        return options
    statement_ms = int(config.get("DATABASE_STATEMENT_TIMEOUT_MS", 5000))
    connect_timeout = max(MIN_CONNECT_TIMEOUT_S, math.ceil(config.get("DATABASE_CONNECT_TIMEOUT_S", 3)))
    connect_args = {"connect_timeout": connect_timeout, PING_TIMEOUT_ARG: connect_timeout}
    if statement_ms > 0:
        # 0 sends no startup option at all: PgBouncer refuses unknown ones unless told to ignore them.
        connect_args.update(
            {
                "options": f"-c statement_timeout={statement_ms}",
                ANSWER_TIMEOUT_ARG: statement_ms / 1000 + ANSWER_MARGIN_S,
            }
        )
    connect_args.update(options.get("connect_args") or {})
    return {"pool_timeout": config.get("DATABASE_POOL_TIMEOUT_S", 3), **options, "connect_args": connect_args}


class DeadlineConnection(psycopg.Connection):
    """A psycopg connection whose every wait for the server ends after a deadline.

    ``answer_timeout`` while in use (None: no deadline), ``ping_timeout`` while idle in the pool, which
    covers the pre-ping that starts its next use.
    """

    answer_timeout: float | None = None
    ping_timeout: float | None = None
    idle = False

    def wait(self, gen, interval=None, timeout=None):
        if timeout is None:
            timeout = self.ping_timeout if self.idle and self.ping_timeout else self.answer_timeout
        kwargs = {"timeout": timeout} if interval is None else {"timeout": timeout, "interval": interval}
        try:
            return super().wait(gen, **kwargs)
        except psycopg.errors._WaitTimeout:
            # The conversation stopped half-way: the connection cannot be reused. Closed, it is one that
            # SQLAlchemy recognises as a disconnect and throws away.
            self.close()
            raise psycopg.OperationalError(f"The database did not answer within {timeout:g} s.") from None


@sa.event.listens_for(sa.engine.Engine, "do_connect")
def _connect_with_deadline(dialect, connection_record, cargs, cparams):
    answer_timeout = cparams.pop(ANSWER_TIMEOUT_ARG, None)
    ping_timeout = cparams.pop(PING_TIMEOUT_ARG, None)
    if dialect.driver != "psycopg" or dialect.is_async:
        return None  # the dialect connects as usual
    connection = DeadlineConnection.connect(*cargs, **cparams)
    connection.answer_timeout, connection.ping_timeout = answer_timeout, ping_timeout
    return connection


@sa.event.listens_for(sa.pool.Pool, "checkin")
def _idle(dbapi_connection, connection_record):
    if isinstance(dbapi_connection, DeadlineConnection):
        dbapi_connection.idle = True


@sa.event.listens_for(sa.pool.Pool, "checkout")
def _in_use(dbapi_connection, connection_record, connection_proxy):
    # Fired after the pre-ping: from here on the statement's deadline applies.
    if isinstance(dbapi_connection, DeadlineConnection):
        dbapi_connection.idle = False
