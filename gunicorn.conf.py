"""Gunicorn settings for production (the Procfile uses them): workers that a slow client cannot pin.

Why gevent: a sync or gthread worker gives each connection a process or thread from the moment its
first byte arrives until the request is complete, so a few clients that send their headers one line
every few seconds hold every worker and the app stops answering anyone (slowloris). A gevent worker
parks a waiting connection in a greenlet that costs almost nothing, so hundreds of slow sockets leave
the workers free. psycopg 3 (from 3.1.14), redis-py and requests cooperate with gevent by themselves.
Without a buffering proxy in front, this is the deployment that survives slow clients; behind one
(nginx with proxy_request_buffering) any worker class would do.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gevent"
# Connections one worker keeps open at once (idle or slow ones included); beyond it, the kernel queues.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "1000"))
# A worker silent for longer than this is stuck and is restarted. The slowest request the app allows is a
# forecast: it waits up to PREDICTIONS_WAIT_S (25 s) for a training in the background, after a light model's
# training (under 3 s) and a market fetch (MARKET_TIMEOUT_S, 10 s). The LSTM trains in a child process whose
# wait is cooperative, so the worker keeps answering meanwhile; 60 s leaves room above all of that.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
# Small request heads: nothing in this app needs long URLs or many headers.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
# No access log from gunicorn: the app writes one line per request itself, with its request id.
accesslog = None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
