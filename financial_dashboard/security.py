"""Response headers that every answer carries: CSP, frame and sniffing protection, HSTS, no-store.

A small after-request hook rather than Flask-Talisman: the policy is one fixed string (no inline
scripts anywhere, so no nonces), and Talisman's HTTPS redirect and cookie handling would duplicate what
the config and the PaaS's proxy already do.
"""

from flask import Flask, request

# Scripts and styles from the app only. Plotly sets inline styles on the charts it draws (and Bootstrap's
# progress bars take a width), so styles allow 'unsafe-inline'; scripts never do. Chart downloads are
# data: and blob: images.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure or _production():
        headers.setdefault("Strict-Transport-Security", HSTS)
    # Pages and API answers are personal (a signed-in page, a new token, someone's portfolio): no browser
    # or proxy may store them. Static files and plotly.js set their own Cache-Control and keep it.
    if "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    return response


def _production():
    from flask import current_app

    return current_app.config.get("ENV_NAME") == "production"


def register_security(app: Flask):
    hops = app.config.get("TRUSTED_PROXY_HOPS", 0)
    if hops:
        # Behind the PaaS's router: trust its X-Forwarded-For/-Proto for the client's address (rate
        # limits) and scheme (secure cookies, HSTS), and nothing more than that many hops deep.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_prefix=0)
    app.after_request(security_headers)
