"""The review service over HTTP: ``POST /v1/reports`` for apps, server-rendered pages for
reviewers (docs/review.md).

Pages carry no script at all and the Content-Security-Policy forbids any (``default-src
'none'``); reported URLs appear only defanged, as escaped text. Cookies are HttpOnly and
SameSite=Strict (and Secure over HTTPS or with ``secure_cookies``); every form carries a CSRF
token checked in constant time. Database work runs in worker threads, off the event loop.
"""

from __future__ import annotations

import hmac
import secrets
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from . import accounts, export
from .accounts import Session
from .defang import defang
from .errors import DatabaseError, ReportError, WorkflowError
from .ratelimit import RateLimiter, retry_after
from .reports import MAX_BODY_BYTES, parse_report
from .workflow import CATEGORIES, Review

HERE = Path(__file__).parent
SESSION_COOKIE = "ls_session"
LOGIN_COOKIE = "ls_login"
MAX_FORM_BYTES = 8192
#: No script, no frames, no plugins, no fetches but our own stylesheet; forms post only here.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]


@dataclass
class WebSettings:
    """Limits and trust for one review service."""

    flaggers: dict[str, str] = field(default_factory=dict)
    """Trusted flagger name -> bearer token."""
    report_rate: float = 120.0
    """Reports a minute from one client address (burst as large)."""
    install_rate: float = 30.0
    """Reports a minute from one install."""
    login_rate: float = 10.0
    """Sign-in attempts a minute from one address, and for one user name."""
    action_rate: float = 120.0
    """Page views and actions a minute per signed-in reviewer."""
    secure_cookies: bool = False
    per_page: int = 50


def _when(seconds: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(seconds))


def _age(seconds: int) -> str:
    delta = max(0, int(time.time()) - seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if delta >= size:
            return f"{delta // size} {unit}"
    return f"{delta} s"


class _Headers:
    """Adds the security headers to every response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            await send(message)

        await self.app(scope, receive, with_headers)


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The body, or None when it is longer than ``limit`` bytes (stops reading there)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def create_review_app(review: Review, settings: WebSettings | None = None) -> Any:
    """The ASGI app: the report endpoint, the review pages and ``/health``."""
    settings = settings or WebSettings()
    db = review.db
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(defang=defang, when=_when, age=_age, categories=CATEGORIES)
    per_address = RateLimiter(settings.report_rate)
    per_install = RateLimiter(settings.install_rate)
    logins = RateLimiter(settings.login_rate)
    actions = RateLimiter(settings.action_rate)
    css = (HERE / "static" / "review.css").read_bytes()
    flaggers = [(name, token.encode()) for name, token in settings.flaggers.items()]

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("session", None)
        context.setdefault("message", None)
        context.setdefault("error", None)
        return HTMLResponse(env.get_template(name).render(**context), status_code=status)

    def set_cookie(response: Response, name: str, value: str, max_age: int) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path="/",
            httponly=True,
            samesite="strict",
            secure=settings.secure_cookies,
        )

    def limited(wait: float, body: dict[str, Any] | None = None) -> Response:
        return JSONResponse(
            body or {"error": "rate_limited"},
            status_code=429,
            headers={"Retry-After": retry_after(wait)},
        )

    def address(request: Request) -> str:
        return request.client.host if request.client else "unknown"

    # -- the report endpoint -------------------------------------------------------------
    def flagger_of(header: str) -> str | bool | None:
        """The flagger's name; None for no header; False for a token that is not ours."""
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        supplied = token.strip().encode()
        found: str | None = None
        for name, expected in flaggers:  # every token compared, each in constant time
            if hmac.compare_digest(supplied, expected) and scheme.lower() == "bearer":
                found = name
        return found if found is not None else False

    async def post_report(request: Request) -> Response:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            return JSONResponse(
                {"error": "unsupported_media_type", "expected": "application/json"},
                status_code=415,
            )
        wait = per_address.take(address(request))
        if wait:
            return limited(wait)
        body = await _read_body(request, MAX_BODY_BYTES)
        if body is None:
            return JSONResponse({"error": "too_large", "limit": MAX_BODY_BYTES}, status_code=413)
        flagger = flagger_of(request.headers.get("authorization", ""))
        if flagger is False or flagger is True:
            return JSONResponse({"error": "bad_token"}, status_code=401)
        try:
            report = parse_report(body)
        except ReportError as exc:
            return JSONResponse(
                {"error": "bad_report", "field": exc.field, "reason": exc.reason},
                status_code=400,
            )
        if flagger is None:
            wait = per_install.take(review.install_tag(report.install_id))
            if wait:
                return limited(wait)
        try:
            received = await run_in_threadpool(review.submit, report, reporter=flagger)
        except DatabaseError:
            return JSONResponse(
                {"error": "unavailable"}, status_code=503, headers={"Retry-After": "60"}
            )
        return JSONResponse({"status": received.status, "id": received.id}, status_code=202)

    # -- pages ---------------------------------------------------------------------------
    async def session_of(request: Request) -> Session | None:
        token = request.cookies.get(SESSION_COOKIE, "")
        if not token:
            return None
        return await run_in_threadpool(accounts.session_of, db, token)

    async def form_of(request: Request) -> dict[str, str] | None:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/x-www-form-urlencoded":
            return None
        body = await _read_body(request, MAX_FORM_BYTES)
        if body is None:
            return None
        try:
            pairs = urllib.parse.parse_qsl(
                body.decode("utf-8"),
                keep_blank_values=True,
                max_num_fields=20,
                strict_parsing=False,
            )
        except (UnicodeDecodeError, ValueError):
            return None
        return dict(pairs)

    def signed_in(
        handler: Callable[[Request, Session], Awaitable[Response]], *, post: bool = False
    ) -> Callable[[Request], Awaitable[Response]]:
        async def wrapper(request: Request) -> Response:
            session = await session_of(request)
            if session is None:
                return RedirectResponse("/review/login", status_code=303)
            wait = actions.take(session.user.name)
            if wait:
                return limited(wait)
            return await handler(request, session)

        return wrapper

    def csrf_ok(form: dict[str, str] | None, expected: str) -> bool:
        supplied = (form or {}).get("csrf", "")
        return bool(expected) and hmac.compare_digest(supplied.encode(), expected.encode())

    def forbidden(why: str) -> Response:
        return PlainTextResponse(f"refused: {why}\n", status_code=403)

    async def login_page(request: Request) -> Response:
        token = secrets.token_urlsafe(32)
        response = page("login.html", login_csrf=token)
        set_cookie(response, LOGIN_COOKIE, token, 3600)
        return response

    async def login(request: Request) -> Response:
        form = await form_of(request)
        if not csrf_ok(form, request.cookies.get(LOGIN_COOKIE, "")):
            return forbidden("the sign-in form expired or came from another site; reload it")
        assert form is not None
        name = form.get("name", "")[:64]
        wait = max(logins.take("addr:" + address(request)), logins.take("user:" + name))
        if wait:
            return limited(wait)
        user = await run_in_threadpool(accounts.authenticate, db, name, form.get("password", ""))
        if user is None:
            token = secrets.token_urlsafe(32)
            response = page(
                "login.html", 401, login_csrf=token, error="Wrong user name or password."
            )
            set_cookie(response, LOGIN_COOKIE, token, 3600)
            return response
        token, _ = await run_in_threadpool(accounts.open_session, db, user)
        done = RedirectResponse("/review/", status_code=303)
        set_cookie(done, SESSION_COOKIE, token, accounts.SESSION_LIFETIME_S)
        done.delete_cookie(LOGIN_COOKIE, path="/", httponly=True, samesite="strict")
        return done

    async def logout(request: Request, session: Session) -> Response:
        form = await form_of(request)
        if not csrf_ok(form, session.csrf):
            return forbidden("missing or wrong CSRF token")
        await run_in_threadpool(accounts.close_session, db, request.cookies.get(SESSION_COOKIE, ""))
        response = RedirectResponse("/review/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    async def queue(request: Request, session: Session) -> Response:
        text = request.query_params.get("page", "0")
        number = int(text) if text.isdigit() and len(text) < 7 else 0
        items, total = await run_in_threadpool(
            lambda: review.queue(page=number, per_page=settings.per_page)
        )
        message = {"confirmed": "Recorded."}.get(request.query_params.get("done", ""))
        return page(
            "queue.html",
            session=session,
            items=items,
            total=total,
            page=number,
            per_page=settings.per_page,
            message=message,
        )

    async def item(request: Request, session: Session) -> Response:
        view = await run_in_threadpool(review.item, int(request.path_params["id"]))
        if view is None:
            return PlainTextResponse("no such item\n", status_code=404)
        return page("item.html", session=session, view=view)

    async def vote(request: Request, session: Session) -> Response:
        form = await form_of(request)
        if not csrf_ok(form, session.csrf):
            return forbidden("missing or wrong CSRF token")
        assert form is not None
        url_id = int(request.path_params["id"])
        try:
            state = await run_in_threadpool(
                lambda: review.vote(
                    url_id,
                    session.user,
                    form.get("decision", ""),
                    category=form.get("category") or None,
                    reason=form.get("reason", ""),
                )
            )
        except WorkflowError as exc:
            view = await run_in_threadpool(review.item, url_id)
            if view is None:
                return PlainTextResponse("no such item\n", status_code=404)
            return page("item.html", 409, session=session, view=view, error=str(exc))
        view = await run_in_threadpool(review.item, url_id)
        return page("item.html", session=session, view=view, message=f"Recorded: now {state}.")

    async def export_file(request: Request, session: Session) -> Response:
        if session.user.role not in ("lead", "admin"):
            return forbidden("exports are for leads and admins")
        kind = request.path_params["kind"]
        if kind not in ("json", "csv"):
            return PlainTextResponse("no such export\n", status_code=404)
        if kind == "json":
            text = await run_in_threadpool(export.to_json, review)
            media = "application/json"
        else:
            text = await run_in_threadpool(export.to_csv, review)
            media = "text/csv; charset=utf-8"
        await run_in_threadpool(_audit_export, review, session.user.name, kind)
        return Response(
            text,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="confirmed.{kind}"'},
        )

    async def stylesheet(request: Request) -> Response:
        del request
        return Response(css, media_type="text/css")

    async def health(request: Request) -> Response:
        del request
        return JSONResponse({"ok": True})

    async def home(request: Request) -> Response:
        del request
        return RedirectResponse("/review/", status_code=303)

    routes = [
        Route("/v1/reports", post_report, methods=["POST"]),
        Route("/health", health),
        Route("/", home),
        Route("/review/login", login_page, methods=["GET"]),
        Route("/review/login", login, methods=["POST"]),
        Route("/review/logout", signed_in(logout), methods=["POST"]),
        Route("/review/", signed_in(queue)),
        Route("/review/url/{id:int}", signed_in(item)),
        Route("/review/url/{id:int}/vote", signed_in(vote), methods=["POST"]),
        Route("/review/export.{kind:str}", signed_in(export_file)),
        Route("/review/static/review.css", stylesheet),
    ]
    return _Headers(Starlette(routes=routes))


def _audit_export(review: Review, actor: str, kind: str) -> None:
    from . import audit

    with review.db.transaction() as tx:
        audit.append(tx, actor, "export", f"export:{kind}")
