"""MAX_CONTENT_LENGTH for chunked bodies too: a body sent without Content-Length that is too big is a 413.

Werkzeug enforces the limit on a declared Content-Length, but a chunked body (no length, the server
terminates the stream: ``wsgi.input_terminated``) is read only up to the limit and then handed over cut
short, so an oversized JSON body looked malformed (400). This middleware reads such a body first, at
most one byte past the limit: within it, the request goes on with the body and its length (no longer
chunked); beyond it, the request is given a Content-Length over the limit, so that Werkzeug raises 413
(in the app's one error shape) as soon as anything reads the body.
"""

import io


class ChunkedBodyLimit:
    def __init__(self, wsgi_app, flask_app):
        self.wsgi_app = wsgi_app
        self.flask_app = flask_app

    def __call__(self, environ, start_response):
        limit = self.flask_app.config.get("MAX_CONTENT_LENGTH")
        if (
            limit is not None
            and environ.get("wsgi.input_terminated")
            and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        ):
            body = _read_at_most(environ["wsgi.input"], limit + 1)
            environ["wsgi.input"] = io.BytesIO(b"" if len(body) > limit else body)
            environ["CONTENT_LENGTH"] = str(len(body))
            # Read whole now; and Werkzeug ignores the length of a request that still says chunked.
            del environ["HTTP_TRANSFER_ENCODING"]
        return self.wsgi_app(environ, start_response)


def _read_at_most(stream, size: int) -> bytes:
    chunks, left = [], size
    while left > 0:
        chunk = stream.read(min(left, 64 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def register_body_limit(app):
    app.wsgi_app = ChunkedBodyLimit(app.wsgi_app, app)
