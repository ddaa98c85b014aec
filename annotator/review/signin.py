"""Signing in: reviewers with a password at ``/-/login``, the local user with the one-time link.

The password check reads the accounts file as it is now, costs the same whether or not the name
has an account, runs off the event loop (so page views go on meanwhile) and is rate-limited by
:class:`annotator.review.access.Throttle`. The session cookie is HttpOnly and names the password
it was signed in with (see :func:`annotator.review.access.reviewer`).
"""

import asyncio
import time
import weakref

from datasette.utils.asgi import Forbidden, NotFound, Response

from . import access, accounts, helpers

_used_tokens: "weakref.WeakKeyDictionary[object, set[str]]" = weakref.WeakKeyDictionary()
_throttles: "weakref.WeakKeyDictionary[object, access.Throttle]" = weakref.WeakKeyDictionary()
SIGN_IN_LINK_MINUTES = 15


def throttle(datasette) -> access.Throttle:
    return _throttles.setdefault(datasette, access.Throttle())


def _config(datasette) -> dict:
    return datasette.plugin_config("annotator") or {}


def _session_cookie(response: Response, datasette, actor: dict) -> None:
    response.set_cookie("ds_actor", datasette.sign({"a": actor}, "actor"), httponly=True)


async def login(request, datasette):
    config = _config(datasette)
    team = access.team(config)
    next_path = access.local_path(request.args.get("next"))
    error = None if team else "This server has no reviewer accounts: add one with 'annotator reviewers add'."
    status = 200
    if request.method == "POST":
        if not helpers.csrf_was_checked(request.headers):
            # Datasette checks the CSRF token only of requests with cookies: a form posted from
            # another site without them could otherwise sign a visitor in as someone else.
            raise Forbidden("Sign in from the sign-in page (this request has no CSRF token)")
        client = (request.scope.get("client") or ("unknown",))[0]
        wait = throttle(datasette).retry_after(client)
        if wait is not None:
            return Response.text(f"Too many sign-in attempts: try again in {wait} seconds.",
                                 status=429, headers={"retry-after": str(wait)})
        form = await request.post_vars()
        name, password = form.get("username") or "", form.get("password") or ""
        next_path = access.local_path(form.get("next"))
        ok = False
        throttle(datasette).begin()
        try:
            ok = await asyncio.to_thread(accounts.check_password, team, name, password)
        finally:
            throttle(datasette).end(client, ok)
        if ok:
            response = Response.redirect(next_path)
            _session_cookie(response, datasette, access.actor_for(name, team[name]))
            return response
        error, status = "Invalid username or password", 403
    return Response.html(await datasette.render_template(
        "annotator_login.html", {"error": error, "next": next_path}, request=request), status=status)


async def sign_in(request, datasette):
    """The one-time link ``annotator serve`` prints: signs in the local user, once, for a while."""
    config = _config(datasette)
    digest, user = config.get("sign_in_token_sha256"), config.get("local_user")
    expires = config.get("sign_in_expires")
    used = _used_tokens.setdefault(datasette, set())
    token = request.args.get("token") or ""
    if not (digest and user) or digest in used or not helpers.token_matches(token, digest):
        raise Forbidden("This sign-in link is not valid or has been used already; "
                        "restart 'annotator serve' for a new one")
    if expires is not None and time.time() > float(expires):
        raise Forbidden("This sign-in link has expired; restart 'annotator serve' for a new one")
    used.add(digest)
    response = Response.redirect(datasette.urls.path("/-/annotator/queue"))
    _session_cookie(response, datasette, access.actor_for(user, None))
    return response


async def no_password_tool(request, datasette):
    """datasette-auth-passwords' password tool hashes passwords for anyone who asks (a PBKDF2 run
    each); ``annotator reviewers add`` does that job, so the address is not served."""
    raise NotFound("No such page: add reviewers with 'annotator reviewers add'")
