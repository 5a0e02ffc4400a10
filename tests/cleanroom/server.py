#!/usr/bin/env python3
"""Clean-room implementation of the API-access service certified by authconform.

Written from /work/shared/spec/policy.md, /work/shared/spec/wire.md and the seed
article only (no harness source was read).  Python 3.11 standard library only.

Usage:
    python3 server.py --port 0 [--policy article|zendesk-2026]
                      [--tokens-retired | --tokens-retired-after ISO8601]
                      [--bug NAME]

Prints exactly one line "cleanroom listening on http://127.0.0.1:PORT" and serves
until killed.  Each account lives under http://127.0.0.1:PORT/accounts/<id>.

SPEC-SILENT CHOICES (what a careful vendor would do where the spec says nothing)
 C1  Several Authorization headers in one request: unauthorized (401, Basic body);
     the request is ambiguous.
 C2  The scheme must be followed by at least one SPACE (tab does not count, as the
     spec says "one or more spaces"); "surrounding whitespace" trimmed from the
     value is HTTP whitespace (SP / HTAB) only, not Unicode whitespace.
 C3  Strict base64 = alphabet A-Z a-z 0-9 + /, length a multiple of 4, at most two
     '=' and only at the end.  Non-zero pad bits ("QQ==" vs "QR==") are ACCEPTED:
     the spec lists its strictness conditions and this is not one of them.
     An empty Basic value decodes to "" which has no ':' -> 401.
 C4  A header that is neither Basic nor Bearer (or "Basic"/"Bearer" with no space
     after it) gets the Basic-style 401 body with WWW-Authenticate; any refusal of a
     Bearer credential gets the invalid_token body.
 C5  An anonymous caller of an operation that needs an identity (tickets, settings,
     token management, OAuth issue AND OAuth revoke) gets the Basic 401 body.
 C6  Inside the effect stage the body is validated first (400), then ACT-3, TOK-3,
     TOK-8 limit, not_found.  (Spec: 400 "only after the identity and permission
     stages"; it does not place 400 among the effect refusals.)
 C7  JSON bodies: must be UTF-8 JSON objects; duplicate keys, NaN/Infinity, unknown
     keys (at every level we define) are 400.  A missing body where one is needed is
     400.  Content-Type is not required.
 C8  Settings PUT: "api" must contain one or more of the three keys; values are JSON
     true/false or the exact lower-case strings "true"/"false" (not "True", not 1).
     The whole change is validated before anything is applied (atomic).
 C9  ACT-3: before the agreement is accepted (and unless the same PUT accepts it),
     ANY toggle key in a settings PUT is refused with agreement_not_accepted, even
     one that sets the value it already has (false): the settings are not available
     before "Get started".
 C10 Generating a token: body {"api_token":{...}} required; "description" optional
     string (default ""), no other keys.  Updating a token: "active" (JSON bool,
     required) and optionally "description"; no other keys.
 C11 Token limit counts every kept token (active or deactivated), not deleted ones.
 C12 IDs: users, API tokens and OAuth tokens are per-account increasing counters that
     never reuse a value; path IDs must be decimal digits, anything else is 404.
 C13 OAuth issue: user_id must be a JSON integer (not bool/float/string) naming a user
     of the account, unknown -> 404 not_found; scopes must be a non-empty list of
     "read"/"write" (duplicates collapsed, order kept); anything else 400.
 C14 OAuth revoke by a user who is not an admin: allowed only for tokens it owns;
     not_found (unknown or revoked id) is checked before ownership (OAU-4).
 C15 Revoking the token used to make the request is allowed.
 C16 Fixture interface is unauthenticated (it ignores Authorization).  Emails must be
     non-empty strings, unique within an account by ASCII case folding (the built-in
     admin included); role one of end-user/agent/admin; password non-empty string;
     two_factor_enrolled JSON bool.  The built-in admin is admin@<account>.cleanroom.test
     with a random password.  PATCH of an unknown user is 404 RecordNotFound.
 C17 zendesk-2026: the fixture refuses agent_password_access=true with 400
     InvalidFixture ("cannot be turned on"); token retirement refuses generation with
     reason token_access_disabled (the only TOK-3 reason the spec defines), after
     ACT-3 and the token-access check.
 C18 Unknown paths -> 404 RecordNotFound; known path with another method -> 405 with
     Allow header.  Query strings are ignored.  Unknown account id -> 404.
 C19 users/me echoes the email as stored at creation (original case).
 C20 Token lookups compare secrets in constant time; an empty token secret never
     matches.
 C21 (De)activating and deleting tokens is allowed while token access is off and
     needs no agreement (TOK-8 states no precondition); the token list is oldest first.

OPTIONS FOR THE HARNESS ANALYSIS
 --bug NAME   inject one bug (see BUGS below / --list-bugs).  The first three are the
              ones the brief asked for, the next eight are the "own" bugs, the rest
              are extra probes for the harness's blind spots.
 --alt NAME   (repeatable) answer a spec-silent question the other way, or use a
              wire-level freedom (big IDs, chunked responses, HTTP/1.0, short
              keep-alive ...) to check the harness does not wrongly fail it
              (see ALTS / --list-alts).  With no --alt the choices above hold.
 Results and the tests that use it: tests/cleanroom/README.md.
"""

import argparse
import binascii
import datetime
import hmac
import itertools
import json
import re
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from urllib.parse import urlsplit

BUGS = {
    "cross-account-tokens": "API-token and OAuth secrets are looked up across all accounts",
    "partial-settings": "a settings PUT with a bad value applies the keys before it, then 400",
    "token-id-reuse": "API token IDs are count+1, so IDs are given again after a delete",
    "reactivate-on-toggle": "turning token access back on reactivates deactivated tokens too",
    "put-needs-read-scope": "OAuth scope check treats PUT like GET (read scope suffices)",
    "revoke-ownership-first": "OAuth revoke checks ownership before not_found",
    "token-suffix-any-case": "'/TOKEN' (any case) selects the token path",
    "unpadded-base64": "Basic values without '=' padding are accepted",
    "token-limit-257": "the token limit check is off by one: the 257th token is accepted",
    "token-email-case-sensitive": "the /token path matches emails case-sensitively",
    "tok3-before-act3": "token generation before the agreement says token_access_disabled",
    # extra probes for harness blind spots (beyond the 8 requested)
    "colon-last-split": "Basic text is split at its LAST ':' (passwords containing ':' fail)",
    "unicode-email-fold": "emails compared with full Unicode lower() (K-sign U+212A == 'k')",
    "lenient-base64": "Basic value decoded like base64.b64decode(): junk characters discarded",
    "utf8-replace": "Basic bytes decoded with errors='replace' instead of rejecting non-UTF-8",
    "limit-counts-active-only": "the 256-token limit counts only active tokens",
    "write-implies-read": "an OAuth token with 'write' may also GET",
    "agreement-withdrawable": "accepted_api_agreement=false withdraws the agreement",
    "wrong-token-anonymous": "a /token credential with an unknown secret falls back to anonymous",
    "end-user-revoke-own-forbidden": "a non-admin cannot revoke even its own OAuth token",
    "tab-after-scheme": "a TAB is accepted between scheme and value",
    "unicode-strip": "the Authorization value is trimmed with str.strip() (NBSP, \\x1c.. too)",
    "utf8-surrogatepass": "Basic bytes decoded with surrogatepass (CESU-style ED A0 80 accepted)",
    "password-trim": "passwords are compared after stripping surrounding whitespace",
    "secret-case-insensitive": "API-token secrets compared case-insensitively (CI DB collation)",
    "secret-prefix-match": "only the first 40 characters of an API-token secret are compared",
    "guessable-secrets": "secrets are derived from account id and counters (predictable)",
    "list-leaks-secrets": "GET api_tokens.json includes each token's secret",
    "no-www-authenticate": "Basic 401s omit the WWW-Authenticate header",
    "bearer-basic-body": "Bearer refusals use the Basic 401 body",
    "stale-settings-body": "settings PUT answers with the settings as they were before",
    "settings-get-lies": "settings GET always reports api_token_access=false",
    "list-wrong-active": "the token list reports every token as active",
    "me-wrong-role": "users/me reports role 'agent' for every user",
    "agent-lists-tokens": "agents may list API tokens (ADM-1 says managing tokens needs an admin)",
    # red-team round 2: rule-level bugs looked for in the harness's blind spots
    "settings-key-order": "settings PUT keys are checked in body order: a toggle written before "
                          "accepted_api_agreement in the same body is refused (ACT-3)",
    "combined-third-key-dropped": "a settings PUT that accepts the agreement applies only the "
                                  "first toggle beside it (the 'Get started' path)",
    "oauth-cap-per-user": "at most 10 live OAuth tokens per user and scope set: issuing the 11th "
                          "silently revokes the oldest (GitHub-style)",
    "user-search-page": "logins look the email up in the first page (10 users, by id) of the "
                        "account's users: the 11th user and later never authenticate",
    "token-secret-prefix": "an API-token secret matches when it is a non-empty PREFIX of a live "
                           "secret (memcmp over the given length)",
    "plus-address-fold": "emails compared after dropping a '+tag' from the local part "
                         "(eve+x@example.test is eve@example.test)",
    "token-suffix-slashes": "'EMAIL//token' (extra slashes before 'token') selects the token "
                            "path for EMAIL (slashes stripped from the email)",
    "token-description-upsert": "generating a token whose description a kept token already has "
                                "rotates that token (new secret, same id) instead of adding one",
    "oauth-scope-order": "OAuth scopes read positionally (read = first is 'read', write = last "
                         "is 'write'): ['write','read'] grants nothing",
    "suspend-snapshot": "token access off snapshots the tokens' active flags and on restores them: "
                        "a (de)activation made while access is off is lost",
    "noop-token-on-reactivates": "setting api_token_access to true while it is already on "
                                 "reactivates every deactivated token",
    "delete-shifts-active": "deleting a token shifts the active flags of the later tokens by one "
                            "(parallel arrays): the next token takes the deleted one's flag",
    "self-revoke-revokes-all": "a non-admin revoking one of its own OAuth tokens revokes all of "
                               "its OAuth tokens ('sign out everywhere')",
    "eu-pwd-per-user-flag": "end-user password access is copied onto each existing end user when "
                            "set; end users added later stay off until the next change",
    "limit-per-creator": "the 256-token limit counts the tokens the calling admin created, "
                         "not the account's",
    "noop-settings-skip-authz": "a settings PUT that changes nothing is answered 200 before the "
                                "permission check (any identity but unauthorized)",
    "deleted-token-cached": "a token that authenticated once stays in an auth cache that "
                            "deletion does not clear (deactivation and token access off do)",
    "tfa-midway-enrolment": "an agent or admin enrolled in 2FA after creation gets anonymous "
                            "for email:password (article policy, PWD-8)",
    "conn-auth-sticky": "on a kept-alive connection, a request without Authorization reuses the "
                        "previous request's Authorization header",
    "ids-not-account-scoped": "API-token and OAuth-token IDs come from one server-wide counter and "
                              "(de)activate/delete/revoke find the ID in ANY account (IDOR)",
    "bearer-first-word": "a Bearer value is cut at its first space: 'Bearer SECRET junk' is SECRET",
    # red-team round 3: zendesk-2026, anonymous/PRB, OAU-4, second admins, limit, passwords
    "tfa2026-required-blocks-tokens": "zendesk-2026: while the account requires 2FA every Basic "
                                      "credential is anonymous, /token logins included (2FA-1 "
                                      "applied before the token path is chosen)",
    "retired-before-act3": "zendesk-2026 with tokens retired: the retirement check comes before "
                           "ACT-3, so generating a token before the agreement says "
                           "token_access_disabled",
    "pwd3-end-user-known-403": "an end user's right password while end-user password access is "
                               "off shows the anonymous user on users/me, but tickets, settings "
                               "and admin operations answer 403 (not_agent/not_admin), not 401",
    "agent-revokes-end-user-oauth": "an agent may revoke end users' OAuth tokens (agents manage "
                                    "end users)",
    "agreement-owner-only": "only the built-in admin (the account owner) may accept the API "
                            "agreement; another admin gets forbidden(not_admin)",
    "deleted-inactive-still-counted": "deleting a deactivated token is a soft delete that still "
                                      "counts towards the 256-token limit",
    "password-change-revokes-oauth": "changing a user's password revokes that user's OAuth tokens "
                                     "('sign out everywhere' on password change)",
    "staff-password-cache": "the legacy agent/admin password path caches (email, password) -> "
                            "user for 60 s: after a password change the old one still works",
    "revoke-as-token-creator": "an OAuth revocation made with an API-token credential is judged as "
                               "the admin who generated the token (ownership and admin rights)",
    "eu-token-needs-eu-access": "an end user's /token login is anonymous while end-user password "
                                "access is off (the end-user toggle applied to every Basic "
                                "credential of end users)",
    "delete-own-tokens-only": "an admin may delete only the API tokens it generated itself; another "
                              "admin's token gives forbidden(not_admin)",
    "token-off-disables-eu-pwd": "turning token access off also turns end-user password access off "
                                 "(token access taken as the API's master switch)",
    "retired-as-limit-zero": "zendesk-2026 with tokens retired: retirement is a token quota of 0, "
                             "so generation is refused with token_limit_reached",
}
GLOBAL_IDS = itertools.count(1)  # bug ids-not-account-scoped

# --alt NAME: the OTHER reasonable answer to a spec-silent question (see header C-numbers)
ALTS = {
    "body-last": "C6: 400 only after ACT-3/TOK-3/limit/not_found (token create/update/delete)",
    "toggle-noop-pre-agreement": "C9: before the agreement, a toggle set to its current value "
                                 "(false) is accepted as a no-op",
    "empty-scopes-ok": "C13: an OAuth token may be issued with scopes []",
    "canonical-b64": "C3: base64 with non-zero pad bits is rejected (401)",
    "lenient-json": "C7: unknown keys in API bodies are ignored",
    "no-body-ok": "C10: generating a token without a body is accepted",
    "multi-auth-first": "C1: with several Authorization headers the first one is used",
    "string-active": "C10: token 'active' also accepts \"true\"/\"false\"",
    "manage-needs-token-access": "(de)activating/deleting a token while token access is off is "
                                 "refused (ACT-3 / TOK-3 order, before not_found)",
    "reverse-token-list": "the token list is newest first",
    # wire-level freedoms of an HTTP/JSON service (not spec choices)
    "big-ids": "API-token and OAuth-token IDs are random 12-digit integers",
    "big-user-ids": "user IDs (admin included) are random 12-digit integers",
    "huge-ids": "API-token and OAuth-token IDs are random integers above 2^53",
    "extra-fields": "responses carry extra JSON fields (url, meta) as real APIs do",
    "chunked": "responses use Transfer-Encoding: chunked instead of Content-Length",
    "idle-timeout": "keep-alive connections idle for 0.3 s are closed by the server",
    "close-every-10": "every 10th response on a connection says Connection: close and closes",
    "http10": "the server speaks HTTP/1.0 (one request per connection)",
    "plain-200": "creations answer 200 (not 201) and deletions 200 with an empty body (not 204)",
    "lowercase-headers": "response header names are sent in lower case",
    "split-writes": "each response is written in 4 TCP segments a few ms apart",
    "one-at-a-time": "the server has no threads: it serves one connection at a time "
                     "(an idle kept-alive connection holds it)",
    "close-unannounced": "every connection is closed after its answer, which does not say "
                         "Connection: close (RFC 9112 9.6 asks it to)",
    "rate-limit": "every 7th request is not served: 429 Too Many Requests, Retry-After: 0",
    # red-team round 3 (false positives): more wire-level freedoms and tolerated readings
    "pretty-json": "JSON answers pretty-printed (indent 2, keys sorted, trailing newline)",
    "json-escapes": "every non-alphanumeric character of a JSON string is written as \\uXXXX "
                    "(\\u0040 for '@', \\u002f for '/')",
    "float-ids": "IDs written as JSON numbers with a fraction (7.0), as a double-only encoder "
                 "does; '7.0' and '7' both accepted in paths and bodies",
    "zero-ids": "user, API-token and OAuth IDs count from 0 (the built-in admin is user 0)",
    "id-sequence-1e9": "one server-wide ID sequence for users, API tokens and OAuth tokens "
                       "(lookups stay per account), starting at 999999900",
    "extra-headers": "every answer carries cookies, request ids, caching and security headers "
                     "(an 8 KiB CSP), Content-Type without a space; 403s a WWW-Authenticate, "
                     "401s two challenges",
    "interim-1xx": "each answer is preceded by 103 Early Hints (and 100 Continue when the request "
                   "has a body)",
    "close-on-error": "every 4xx answer says Connection: close and the connection is closed",
    "close-delimited": "answers carry no Content-Length: the body ends when the connection closes "
                       "(Connection: close)",
    "chunked-trailers": "chunked answers in 3-byte chunks with chunk extensions and a trailer field",
    "slow": "account creation takes 1.5 s, and every 5th request 0.5 s",
    "email-lowercase": "emails are stored and shown ASCII lower-cased",
    "relative-base-url": "base_url is a relative reference with a trailing slash (/accounts/ID/); "
                         "repeated slashes in paths are merged",
    "localhost-base-url": "base_url names the host 'localhost' (another origin than 127.0.0.1)",
    "admin-oauth-id": "account creation also returns the admin's OAuth token ID "
                      "(admin.oauth_token_id)",
    "gzip-default": "answers are gzip-coded unless Accept-Encoding refuses gzip (RFC 9110 12.5.3: "
                    "no Accept-Encoding means any coding is acceptable)",
    "empty-reason": "status lines carry an empty reason phrase ('HTTP/1.1 200 ')",
    "urlsafe-secrets": "API-token secrets are base64url (with '-' and '_'), OAuth secrets "
                       "JWT-shaped (three base64url parts joined by '.')",
    "anon-revoke-lookup": "spec-choices C3: an anonymous revocation looks the token up first: "
                          "not_found for unknown/revoked, forbidden(not_admin) for a live one",
    "oauth-unknown-user-400": "spec-choices C5: issuing an OAuth token for an unknown user is 400",
    "bad-settings-pre-agreement-403": "spec-choices C16: a malformed settings body before the "
                                      "agreement is forbidden(agreement_not_accepted)",
    "fixture-2026-ok": "spec-choices C2: under zendesk-2026 the fixture answers 200 to "
                       "agent_password_access=true and keeps it off",
    "fixture-2026-403": "spec-choices C2: under zendesk-2026 the fixture answers 403 to "
                        "agent_password_access=true",
    "users-reordered": "account creation lists the created users sorted by email, descending "
                       "(not in the order of the request)",
    "unavailable-503": "every 13th request is not served: 503 Service Unavailable, Retry-After: 0 "
                       "(a load balancer shedding load)",
    "close-after-401": "after a 401 the connection is closed 5 ms later without Connection: close "
                       "(RFC 9112 9.3: a server MAY close at any time; the delay stands for a "
                       "network's round trip)",
}
ALT = set()
USED_IDS = set()
THROTTLE = itertools.count()  # rate-limit: every 7th request is answered 429
# alt id-sequence-1e9 (CLEANROOM_ID_START moves the sequence's start, to aim it at one object)
SEQ_1E9 = itertools.count(int(__import__("os").environ.get("CLEANROOM_ID_START", "999999900")))
SLOW = itertools.count()                # alt slow
SHED = itertools.count()                # alt unavailable-503


def fresh_id(counter_value, kind="object"):
    """Counter value unless an alt asks for random big IDs."""
    if alt("id-sequence-1e9"):
        n = next(SEQ_1E9)
        if n == 999999999:
            print("id-sequence-1e9: ID 999999999 given to a %s" % kind, file=sys.stderr, flush=True)
        return n
    big = (alt("big-user-ids") if kind == "user" else alt("big-ids"))
    huge = alt("huge-ids") and kind != "user"
    if not (big or huge):
        return counter_value
    while True:
        n = (secrets.randbelow(2 ** 62) + 2 ** 60) if huge else \
            (secrets.randbelow(9 * 10 ** 11) + 10 ** 11)
        if n not in USED_IDS:
            USED_IDS.add(n)
            return n

POLICY = "article"
BUG = None
TOKENS_RETIRED_AFTER = None  # datetime or None

LOCK = threading.RLock()
ACCOUNTS = {}  # id -> Account

ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
B64_RE = re.compile(r"\A[A-Za-z0-9+/]*={0,2}\Z")
B64_NOPAD_RE = re.compile(r"\A[A-Za-z0-9+/]*\Z")
SCHEME_RE = re.compile(r"\A([!#$%&'*+.^_`|~0-9A-Za-z-]+) +(.*)\Z", re.S)
ID_RE = re.compile(r"\A[0-9]{1,19}\Z")
FLOAT_ID_RE = re.compile(r"\A[0-9]{1,19}\.0\Z")   # alt float-ids


def parse_id(text):
    """A path ID as an int, or None."""
    if ID_RE.match(text):
        return int(text)
    if alt("float-ids") and FLOAT_ID_RE.match(text):
        return int(text[:-2])
    return None
TOKEN_LIMIT = 256
ROLES = ("end-user", "agent", "admin")

ANON_BODY = {"user": {"id": None, "name": "Anonymous user", "email": None, "role": "end-user"}}


def bug(name):
    return BUG == name


def alt(name):
    return name in ALT


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc)


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def fold(email):
    if bug("unicode-email-fold"):
        return email.lower()
    return email.translate(ASCII_LOWER)


def plus_fold(email):
    """bug plus-address-fold: 'local+tag@domain' -> 'local@domain'."""
    local, at, domain = email.rpartition("@")
    if not at:
        return email
    return local.split("+", 1)[0] + at + domain


def same_secret(a, b, api_token=False):
    if not a or not b:
        return False
    if api_token and bug("secret-case-insensitive"):
        a, b = a.lower(), b.lower()
    if api_token and bug("secret-prefix-match"):
        a, b = a[:40], b[:40]
    if api_token and bug("token-secret-prefix"):
        b = b[:len(a)]                      # a: the given secret, b: the stored one
    return hmac.compare_digest(a.encode("utf-8", "surrogatepass"),
                               b.encode("utf-8", "surrogatepass"))


# --------------------------------------------------------------------------- errors
class HttpError(Exception):
    def __init__(self, status, body, headers=None):
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


def unauthorized_basic():
    return HttpError(401, {"error": "Couldn't authenticate you"},
                     {} if bug("no-www-authenticate") else
                     {"WWW-Authenticate": 'Basic realm="Web Password"'})


def unauthorized_bearer():
    if bug("bearer-basic-body"):
        return unauthorized_basic()
    return HttpError(401, {"error": "invalid_token",
                           "error_description": "The access token provided is expired, revoked, "
                                                "malformed or invalid for other reasons."},
                     {"WWW-Authenticate": 'Bearer realm="Web Password", error="invalid_token"'})


FORBIDDEN_TEXT = {
    "not_admin": "Only administrators can do this",
    "not_agent": "Only agents and administrators can do this",
    "missing_scope": "The OAuth token lacks the scope this operation needs",
    "agreement_not_accepted": "The API agreement has not been accepted",
    "token_access_disabled": "API token access is turned off",
    "token_limit_reached": "The account already holds the maximum number of API tokens",
}


def forbidden(reason):
    return HttpError(403, {"error": "Forbidden", "description": FORBIDDEN_TEXT[reason],
                           "reason": reason})


def not_found():
    return HttpError(404, {"error": "RecordNotFound", "description": "Not found"})


def invalid(desc):
    return HttpError(400, {"error": "InvalidRequest", "description": desc})


def bad_fixture(desc):
    return HttpError(400, {"error": "InvalidFixture", "description": desc})


# --------------------------------------------------------------------------- state
class User:
    def __init__(self, uid, email, role, password, tfa):
        self.id = uid
        self.email = email
        self.role = role
        self.password = password
        self.two_factor_enrolled = tfa
        self.pwd_ok = False          # bug eu-pwd-per-user-flag: the per-user copy
        self.tfa_midway = False      # bug tfa-midway-enrolment: enrolled after creation

    def public(self):
        return {"id": self.id, "email": self.email, "role": self.role}


class ApiToken:
    def __init__(self, tid, secret, description, creator=None):
        self.id = tid
        self.secret = secret
        self.description = description
        self.active = True
        self.creator = creator       # bug limit-per-creator: the admin who generated it
        self.created_at = iso(now_utc())

    def public(self):
        return {"id": self.id, "description": self.description,
                "active": True if bug("list-wrong-active") else self.active,
                "created_at": self.created_at}


class OAuthToken:
    def __init__(self, tid, secret, user_id, scopes):
        self.id = tid
        self.secret = secret
        self.user_id = user_id
        self.scopes = list(scopes)
        self.revoked = False


class Account:
    def __init__(self, acct_id, base_url):
        self.id = acct_id
        self.base_url = base_url
        self.created_at = now_utc()
        self.agreement = False
        self.token_access = False
        self.end_user_password_access = False
        self.agent_password_access = False
        self.two_factor_required = False
        self.users = {}
        self.next_user_id = 0 if alt("zero-ids") else 1
        self.api_tokens = []  # ordered by creation
        self.next_token_id = 0 if alt("zero-ids") else 1
        self.oauth = {}
        self.next_oauth_id = 0 if alt("zero-ids") else 1
        self.active_snapshot = None  # bug suspend-snapshot
        self.auth_cache = {}         # bug deleted-token-cached: secret -> token
        self.caller = None           # the identity's user of the request being served
        self.owner_id = None         # the built-in admin's id
        self.ghosts = 0              # bug deleted-inactive-still-counted
        self.pwd_cache = {}          # bug staff-password-cache: (email, password) -> (user, until)

    # users
    def add_user(self, email, role, password, tfa):
        if alt("email-lowercase"):
            email = email.translate(ASCII_LOWER)
        u = User(fresh_id(self.next_user_id, "user"), email, role, password, tfa)
        self.next_user_id += 1
        self.users[u.id] = u
        return u

    def find_user(self, email, case_sensitive=False):
        if case_sensitive:
            for u in self.users.values():
                if u.email == email:
                    return u
            return None
        f = fold(email)
        users = list(self.users.values())
        if bug("user-search-page"):
            users = sorted(users, key=lambda u: u.id)[:10]
        if bug("plus-address-fold"):
            f = plus_fold(f)
        for u in users:
            if (plus_fold(fold(u.email)) if bug("plus-address-fold") else fold(u.email)) == f:
                return u
        return None

    # API tokens
    def find_api_token(self, tid):
        for t in self.api_tokens:
            if t.id == tid:
                return t
        return None

    def new_api_token(self, description, creator=None):
        if bug("token-id-reuse"):
            tid = len(self.api_tokens) + 1
        else:
            tid = next(GLOBAL_IDS) if bug("ids-not-account-scoped") else \
                fresh_id(self.next_token_id, "token")
            self.next_token_id += 1
        secret = secrets.token_urlsafe(30) if alt("urlsafe-secrets") else secrets.token_hex(20)
        if bug("guessable-secrets"):
            secret = ("%s%08x" % (self.id, tid)).ljust(40, "0")
        t = ApiToken(tid, secret, description, creator)
        self.api_tokens.append(t)
        return t

    # OAuth
    def new_oauth(self, user_id, scopes):
        secret = jwt_like_secret() if alt("urlsafe-secrets") else secrets.token_hex(32)
        if bug("guessable-secrets"):
            secret = ("%s%08x" % (self.id, self.next_oauth_id)).ljust(64, "0")
        t = OAuthToken(next(GLOBAL_IDS) if bug("ids-not-account-scoped") else
                       fresh_id(self.next_oauth_id, "oauth"), secret, user_id, scopes)
        self.next_oauth_id += 1
        self.oauth[t.id] = t
        return t

    def settings(self):
        return {"settings": {"api": {"accepted_api_agreement": self.agreement,
                                     "api_token_access": self.token_access,
                                     "api_password_access_end_users":
                                         self.end_user_password_access}}}

    def fixture_view(self):
        return {"id": self.id, "base_url": self.base_url,
                "two_factor_required": self.two_factor_required,
                "agent_password_access": self.agent_password_access}


def jwt_like_secret():
    """alt urlsafe-secrets: an opaque secret shaped like a JWT (header.payload.signature)."""
    import base64

    def b64u(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
    head = b64u(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64u(json.dumps({"jti": secrets.token_hex(16), "iat": int(time.time())}).encode())
    return "%s.%s.%s" % (head, body, b64u(secrets.token_bytes(32)))


def tokens_retired(acct):
    return (POLICY == "zendesk-2026" and TOKENS_RETIRED_AFTER is not None
            and acct.created_at > TOKENS_RETIRED_AFTER)


# --------------------------------------------------------------------------- identity
class Identity:
    """kind: 'anonymous' | 'user' | 'unauthorized'."""

    def __init__(self, kind, user=None, oauth=None, bearer=False, api_token=None):
        self.api_token = api_token  # the ApiToken of a /token login
        self.kind = kind
        self.user = user
        self.oauth = oauth       # OAuthToken when the credential was a Bearer token
        self.bearer = bearer     # for the shape of a 401


ANONYMOUS = Identity("anonymous")
UNAUTH_BASIC = Identity("unauthorized")
UNAUTH_BEARER = Identity("unauthorized", bearer=True)


def strict_b64decode(value):
    """RFC 4648 section 4 alphabet, padding required, nothing else. None if invalid."""
    if bug("lenient-base64"):
        import base64
        try:
            return base64.b64decode(value.encode("latin-1"))
        except (binascii.Error, ValueError):
            return None
    if bug("unpadded-base64") and B64_NOPAD_RE.match(value) and len(value) % 4 != 1:
        value = value + "=" * (-len(value) % 4)
    if len(value) % 4 != 0 or not B64_RE.match(value):
        return None
    try:
        out = binascii.a2b_base64(value.encode("ascii"), strict_mode=True)
        if alt("canonical-b64") and binascii.b2a_base64(out, newline=False).decode() != value:
            return None
        return out
    except (binascii.Error, ValueError):
        return None


def identify(acct, auth_values):
    if not auth_values:
        return ANONYMOUS                                        # ANO-1
    if len(auth_values) > 1 and not alt("multi-auth-first"):
        return UNAUTH_BASIC                                     # C1
    m = SCHEME_RE.match(auth_values[0])
    if not m and bug("tab-after-scheme"):
        m = re.match(r"\A([A-Za-z]+)[ \t]+(.*)\Z", auth_values[0], re.S)
    if not m:
        return UNAUTH_BASIC                                     # ANO-2
    scheme = m.group(1).lower()
    value = m.group(2).strip() if bug("unicode-strip") else m.group(2).strip(" \t")
    if scheme == "bearer":
        if bug("bearer-first-word"):
            value = (value.split() or [""])[0]
        return identify_bearer(acct, value)
    if scheme != "basic":
        return UNAUTH_BASIC                                     # ANO-2
    raw = strict_b64decode(value)
    if raw is None:
        return UNAUTH_BASIC                                     # ANO-2
    try:
        text = raw.decode("utf-8", errors="replace" if bug("utf8-replace") else
                          "surrogatepass" if bug("utf8-surrogatepass") else "strict")
    except UnicodeDecodeError:
        return UNAUTH_BASIC                                     # ANO-2
    if ":" not in text:
        return UNAUTH_BASIC                                     # ANO-2
    login, secret = text.rsplit(":", 1) if bug("colon-last-split") else text.split(":", 1)
    if bug("tfa2026-required-blocks-tokens") and POLICY == "zendesk-2026" and \
            acct.two_factor_required:
        return ANONYMOUS                                        # "2FA-1" for every Basic login
    if login.endswith("/token") or (bug("token-suffix-any-case")
                                    and login.lower().endswith("/token")):
        email = login[:-len("/token")]
        if bug("token-suffix-slashes"):
            email = email.rstrip("/")
        return identify_api_token(acct, email, secret)
    return identify_password(acct, login, secret)


def identify_bearer(acct, value):
    accounts = list(ACCOUNTS.values()) if bug("cross-account-tokens") else [acct]
    for a in accounts:
        for t in a.oauth.values():
            if not t.revoked and same_secret(value, t.secret):
                owner = a.users.get(t.user_id)
                if owner is not None:
                    return Identity("user", owner, oauth=t)   # OAU-1
    return UNAUTH_BEARER                                        # OAU-2


def identify_api_token(acct, email, secret):
    if not acct.token_access:
        return UNAUTH_BASIC                                     # TOK-5
    accounts = list(ACCOUNTS.values()) if bug("cross-account-tokens") else [acct]
    found = None
    if bug("deleted-token-cached"):
        cached = acct.auth_cache.get(secret)
        if cached is not None and cached.active:
            found = cached
    for a in accounts:
        if found:
            break
        for t in a.api_tokens:
            if t.active and same_secret(secret, t.secret, api_token=True):
                found = t
                break
        if found:
            break
    user = acct.find_user(email, case_sensitive=bug("token-email-case-sensitive"))
    if found is None and bug("wrong-token-anonymous"):
        return ANONYMOUS
    if found is None or user is None:
        return UNAUTH_BASIC                                     # TOK-7
    if bug("deleted-token-cached"):
        acct.auth_cache[secret] = found
    if bug("eu-token-needs-eu-access") and user.role == "end-user" and \
            not acct.end_user_password_access:
        return ANONYMOUS
    return Identity("user", user, api_token=found)              # TOK-4


def identify_password(acct, email, password):
    if bug("staff-password-cache"):
        hit = acct.pwd_cache.get((fold(email), password))
        if hit is not None and hit[1] > time.monotonic() and acct.agent_password_access:
            return Identity("user", hit[0])
    ident = identify_password_checked(acct, email, password)
    if bug("staff-password-cache") and ident.kind == "user" and ident.user.role != "end-user":
        acct.pwd_cache[(fold(email), password)] = (ident.user, time.monotonic() + 60)
    return ident


def identify_password_checked(acct, email, password):
    user = acct.find_user(email)
    if bug("password-trim") and user is not None:
        password, stored = password.strip(), user.password.strip()
    else:
        stored = user.password if user is not None else ""
    if user is None or not same_secret(password, stored):
        return ANONYMOUS                                        # PWD-7
    if POLICY == "zendesk-2026":
        if acct.two_factor_required:
            return ANONYMOUS                                    # 2FA-1
        if user.role in ("agent", "admin") and user.two_factor_enrolled:
            return ANONYMOUS                                    # 2FA-1
    if (bug("tfa-midway-enrolment") and user.role in ("agent", "admin")
            and user.two_factor_enrolled and user.tfa_midway):
        return ANONYMOUS
    if user.role == "end-user":
        if bug("pwd3-end-user-known-403") and not acct.end_user_password_access:
            return Identity("anonymous", user)     # anonymous, but the user is remembered
        if bug("eu-pwd-per-user-flag"):
            return Identity("user", user) if user.pwd_ok else ANONYMOUS
        return Identity("user", user) if acct.end_user_password_access else ANONYMOUS  # PWD-3/4
    return Identity("user", user) if acct.agent_password_access else ANONYMOUS         # PWD-6


# --------------------------------------------------------------------------- JSON
def _no_dupes(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise ValueError("duplicate key %r" % k)
        d[k] = v
    return d


def _no_constants(name):
    raise ValueError("invalid JSON constant %s" % name)


def parse_json(raw, err):
    if not raw:
        raise err("a JSON body is required")
    try:
        text = raw.decode("utf-8", errors="strict")
        obj = json.loads(text, object_pairs_hook=_no_dupes, parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError) as e:
        raise err("malformed JSON: %s" % e)
    if not isinstance(obj, dict):
        raise err("the body must be a JSON object")
    return obj


def only_keys(obj, allowed, err, where):
    if err is invalid and alt("lenient-json"):
        return
    extra = [k for k in obj if k not in allowed]
    if extra:
        raise err("unknown key(s) in %s: %s" % (where, ", ".join(sorted(extra))))


def get_object(obj, key, err):
    v = obj.get(key)
    if not isinstance(v, dict):
        raise err("'%s' must be an object" % key)
    return v


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


# --------------------------------------------------------------------------- fixtures
def validate_user_spec(spec, acct_emails):
    if not isinstance(spec, dict):
        raise bad_fixture("a user must be an object")
    only_keys(spec, ("email", "role", "password", "two_factor_enrolled"), bad_fixture, "user")
    email = spec.get("email")
    if not isinstance(email, str) or email == "":
        raise bad_fixture("email must be a non-empty string")
    role = spec.get("role")
    if role not in ROLES:
        raise bad_fixture("role must be one of end-user, agent, admin")
    password = spec.get("password")
    if not isinstance(password, str) or password == "":
        raise bad_fixture("password must be a non-empty string")
    tfa = spec.get("two_factor_enrolled", False)
    if not isinstance(tfa, bool):
        raise bad_fixture("two_factor_enrolled must be a boolean")
    f = fold(email)
    if f in acct_emails:
        raise bad_fixture("a user with this email already exists")
    acct_emails.add(f)
    return email, role, password, tfa


def fixture_create_account(handler, raw):
    if raw.strip():
        body = parse_json(raw, bad_fixture)
    else:
        body = {}
    only_keys(body, ("users",), bad_fixture, "account")
    users = body.get("users", [])
    if not isinstance(users, list):
        raise bad_fixture("users must be a list")
    acct_id = secrets.token_hex(8)
    admin_email = "admin@%s.cleanroom.test" % acct_id
    emails = {fold(admin_email)}
    specs = [validate_user_spec(s, emails) for s in users]
    base_url = "%s/accounts/%s" % (handler.server.root_url, acct_id)
    if alt("relative-base-url"):
        base_url = "/accounts/%s/" % acct_id
    if alt("localhost-base-url"):
        base_url = base_url.replace("://127.0.0.1:", "://localhost:")
    acct = Account(acct_id, base_url)
    admin = acct.add_user(admin_email, "admin", secrets.token_hex(24), False)
    acct.owner_id = admin.id
    admin_oauth = acct.new_oauth(admin.id, ["read", "write"])
    created = [acct.add_user(*s) for s in specs]
    ACCOUNTS[acct_id] = acct
    admin_view = {"id": admin.id, "email": admin.email, "oauth_token": admin_oauth.secret}
    if alt("admin-oauth-id"):
        admin_view["oauth_token_id"] = admin_oauth.id
    return 201, {"account": {"id": acct_id, "base_url": acct.base_url,
                             "admin": admin_view,
                             "users": [{"id": u.id, "email": u.email} for u in
                          (sorted(created, key=lambda u: u.email, reverse=True)
                           if alt("users-reordered") else created)]}}


def fixture_add_user(acct, raw):
    body = parse_json(raw, bad_fixture)
    emails = {fold(u.email) for u in acct.users.values()}
    email, role, password, tfa = validate_user_spec(body, emails)
    u = acct.add_user(email, role, password, tfa)
    return 201, {"user": {"id": u.id, "email": u.email}}


def fixture_user_view(u):
    return {"id": u.id, "email": u.email, "role": u.role,
            "two_factor_enrolled": u.two_factor_enrolled}


def fixture_patch_user(acct, uid_text, raw):
    body = parse_json(raw, bad_fixture)
    uid = parse_id(uid_text)
    if uid is None or uid not in acct.users:
        raise not_found()
    u = acct.users[uid]
    only_keys(body, ("password", "two_factor_enrolled"), bad_fixture, "user")
    if "password" in body:
        p = body["password"]
        if not isinstance(p, str) or p == "":
            raise bad_fixture("password must be a non-empty string")
    if "two_factor_enrolled" in body and not isinstance(body["two_factor_enrolled"], bool):
        raise bad_fixture("two_factor_enrolled must be a boolean")
    if "password" in body:
        if bug("password-change-revokes-oauth") and body["password"] != u.password:
            for o in acct.oauth.values():
                if o.user_id == u.id:
                    o.revoked = True
        u.password = body["password"]
    if "two_factor_enrolled" in body:
        u.two_factor_enrolled = body["two_factor_enrolled"]
        u.tfa_midway = body["two_factor_enrolled"]
    return 200, {"user": fixture_user_view(u)}


def fixture_patch_account(acct, raw):
    body = parse_json(raw, bad_fixture)
    only_keys(body, ("two_factor_required", "agent_password_access"), bad_fixture, "account")
    for k, v in body.items():
        if not isinstance(v, bool):
            raise bad_fixture("%s must be a boolean" % k)
    if POLICY == "zendesk-2026" and body.get("agent_password_access") is True:
        if alt("fixture-2026-ok"):
            body = dict(body, agent_password_access=False)     # accepted, stays off
        elif alt("fixture-2026-403"):
            raise HttpError(403, {"error": "Forbidden", "description": "agent_password_access "
                                  "cannot be turned on under zendesk-2026",
                                  "reason": "not_supported"})
        else:
            raise bad_fixture("agent_password_access cannot be turned on under zendesk-2026")
    if "two_factor_required" in body:
        acct.two_factor_required = body["two_factor_required"]
    if "agent_password_access" in body:
        acct.agent_password_access = body["agent_password_access"]
    return 200, {"account": acct.fixture_view()}


# --------------------------------------------------------------------------- API
# operation -> (method, permission class)
#   perm: 'any' (PRB-1), 'agent' (PRB-2/3), 'admin' (ADM-1), 'identity' (OAU-4 revoke)
def authorize(ident, method, perm):
    if ident.kind == "unauthorized":
        raise unauthorized_bearer() if ident.bearer else unauthorized_basic()
    if ident.oauth is not None:                                  # OAU-3
        need = "read" if method == "GET" else "write"
        if bug("put-needs-read-scope") and method == "PUT":
            need = "read"
        if bug("write-implies-read") and need == "read" and "write" in ident.oauth.scopes:
            need = "write"
        if need not in ident.oauth.scopes:
            raise forbidden("missing_scope")
    if perm == "any":
        return
    if perm == "identity" and ident.kind == "anonymous" and alt("anon-revoke-lookup"):
        return                                                   # looked up first (C3)
    if ident.kind == "anonymous" and bug("pwd3-end-user-known-403") and ident.user is not None:
        raise forbidden("not_agent" if perm == "agent" else "not_admin")
    if ident.kind == "anonymous":
        raise unauthorized_basic()                               # C5
    role = ident.user.role
    if perm == "agent" and role == "end-user":
        raise forbidden("not_agent")                             # PRB-2/3
    if perm == "admin" and role != "admin":
        raise forbidden("not_admin")                             # ADM-1
    if perm == "admin_or_agent" and role == "end-user":          # bug agent-lists-tokens
        raise forbidden("not_admin")


def to_bool_setting(v):
    if v is True or v == "true":
        return True
    if v is False or v == "false":
        return False
    return None


SETTING_KEYS = ("accepted_api_agreement", "api_token_access", "api_password_access_end_users")


def api_put_settings(acct, raw):
    if alt("bad-settings-pre-agreement-403") and not acct.agreement:
        try:
            return api_put_settings_checked(acct, raw)
        except HttpError as e:
            if e.status == 400:                  # nothing was applied: see C8
                raise forbidden("agreement_not_accepted")
            raise
    return api_put_settings_checked(acct, raw)


def api_put_settings_checked(acct, raw):
    body = parse_json(raw, invalid)
    only_keys(body, ("settings",), invalid, "body")
    s = get_object(body, "settings", invalid)
    only_keys(s, ("api",), invalid, "settings")
    api = get_object(s, "api", invalid)
    only_keys(api, SETTING_KEYS, invalid, "settings.api")
    if not api:
        raise invalid("settings.api must name at least one setting")
    if bug("partial-settings"):
        return api_put_settings_partial(acct, api)
    before = acct.settings()
    values = {}
    for k in SETTING_KEYS:               # canonical order: agreement first
        if k in api:
            b = to_bool_setting(api[k])
            if b is None:
                raise invalid("%s must be true or false" % k)
            values[k] = b
    if bug("agreement-owner-only") and values.get("accepted_api_agreement") is True and \
            not acct.agreement and acct.caller is not None and \
            acct.caller.id != acct.owner_id:
        raise forbidden("not_admin")          # "only the account owner can accept the terms"
    agreement_after = acct.agreement or values.get("accepted_api_agreement") is True
    toggles = [k for k in values if k != "accepted_api_agreement"]
    if alt("toggle-noop-pre-agreement"):
        current = {"api_token_access": acct.token_access,
                   "api_password_access_end_users": acct.end_user_password_access}
        toggles = [k for k in toggles if values[k] != current[k]]
    if toggles and not agreement_after:
        raise forbidden("agreement_not_accepted")                # ACT-3
    if bug("settings-key-order") and toggles and not acct.agreement:
        # checks the keys in the order the body lists them, before applying any
        for k in api:
            if k == "accepted_api_agreement":
                break
            raise forbidden("agreement_not_accepted")
    if bug("combined-third-key-dropped") and values.get("accepted_api_agreement") is True:
        for k in toggles[1:]:            # the 'Get started' form carries one toggle
            del values[k]
    if values.get("accepted_api_agreement") is True:
        acct.agreement = True                                    # ACT-2
    if values.get("accepted_api_agreement") is False and bug("agreement-withdrawable"):
        acct.agreement = False
    if "api_token_access" in values:
        set_token_access(acct, values["api_token_access"])       # TOK-2
    if "api_password_access_end_users" in values:
        acct.end_user_password_access = values["api_password_access_end_users"]  # PWD-2
        if bug("eu-pwd-per-user-flag"):
            for u in acct.users.values():
                if u.role == "end-user":
                    u.pwd_ok = acct.end_user_password_access
    return 200, before if bug("stale-settings-body") else acct.settings()


def settings_put_is_noop(acct, raw):
    """bug noop-settings-skip-authz: a well-formed PUT whose values are the current ones."""
    try:
        api = json.loads(raw)["settings"]["api"]
        current = acct.settings()["settings"]["api"]
        return bool(api) and all(k in current and to_bool_setting(v) == current[k]
                                 for k, v in api.items())
    except (ValueError, KeyError, TypeError):
        return False


def set_token_access(acct, on):
    if bug("reactivate-on-toggle") and on and not acct.token_access:
        for t in acct.api_tokens:
            t.active = True
    if bug("noop-token-on-reactivates") and on and acct.token_access:
        for t in acct.api_tokens:        # the "enable" routine runs again
            t.active = True
    if bug("suspend-snapshot"):
        if not on and acct.token_access:
            acct.active_snapshot = {t.id: t.active for t in acct.api_tokens}
        if on and not acct.token_access and acct.active_snapshot is not None:
            for t in acct.api_tokens:
                if t.id in acct.active_snapshot:
                    t.active = acct.active_snapshot[t.id]
            acct.active_snapshot = None
    if bug("deleted-token-cached") and not on:
        acct.auth_cache.clear()
    if bug("token-off-disables-eu-pwd") and not on:
        acct.end_user_password_access = False
    acct.token_access = on


def api_put_settings_partial(acct, api):
    # BUG partial-settings: applies keys in body order and stops at the bad one.
    for k, v in api.items():
        b = to_bool_setting(v)
        if b is None:
            raise invalid("%s must be true or false" % k)
        if k == "accepted_api_agreement":
            if b:
                acct.agreement = True
            continue
        if not acct.agreement:
            raise forbidden("agreement_not_accepted")
        if k == "api_token_access":
            set_token_access(acct, b)
        else:
            acct.end_user_password_access = b
    return 200, acct.settings()


def api_create_token(acct, raw, ident=None):
    if alt("body-last"):
        create_token_refusals(acct, ident)
    if alt("no-body-ok") and not raw.strip():
        raw = b'{"api_token":{}}'
    body = parse_json(raw, invalid)
    only_keys(body, ("api_token",), invalid, "body")
    spec = get_object(body, "api_token", invalid)
    only_keys(spec, ("description",), invalid, "api_token")
    desc = spec.get("description", "")
    if not isinstance(desc, str):
        raise invalid("description must be a string")
    create_token_refusals(acct, ident)
    same = [k for k in acct.api_tokens if k.description == desc]
    if bug("token-description-upsert") and same:
        t = same[0]                      # "create or update" keyed by description
        t.secret = secrets.token_hex(20)
        t.active = True
    else:
        t = acct.new_api_token(desc, ident.user.id if ident is not None and ident.user else None)
    out = {"id": t.id, "token": t.secret, "description": t.description,
           "active": t.active, "created_at": t.created_at}
    return 201, {"api_token": out}


def create_token_refusals(acct, ident=None):
    if bug("retired-before-act3") and tokens_retired(acct):
        raise forbidden("token_access_disabled")
    if bug("tok3-before-act3"):
        if not acct.token_access:
            raise forbidden("token_access_disabled")
    if not acct.agreement:
        raise forbidden("agreement_not_accepted")                # ACT-3
    if bug("retired-as-limit-zero") and acct.token_access and tokens_retired(acct):
        raise forbidden("token_limit_reached")                   # "quota 0"
    if not acct.token_access or tokens_retired(acct):
        raise forbidden("token_access_disabled")                 # TOK-3
    limit = TOKEN_LIMIT + 1 if bug("token-limit-257") else TOKEN_LIMIT
    counted = [t for t in acct.api_tokens if t.active or not bug("limit-counts-active-only")]
    if bug("limit-per-creator") and ident is not None and ident.user is not None:
        counted = [t for t in counted if t.creator == ident.user.id]
    if len(counted) + (acct.ghosts if bug("deleted-inactive-still-counted") else 0) >= limit:
        raise forbidden("token_limit_reached")                   # TOK-8


def lookup_token_id(acct, tid_text):
    if parse_id(tid_text) is None:
        raise not_found()
    tid_text = str(parse_id(tid_text))
    t = acct.find_api_token(int(tid_text))
    if t is None and bug("ids-not-account-scoped"):
        for other in ACCOUNTS.values():          # "SELECT ... WHERE id = ?" without the account
            t = other.find_api_token(int(tid_text))
            if t is not None:
                break
    if t is None:
        raise not_found()
    return t


def manage_refusals(acct):
    if alt("manage-needs-token-access"):
        if not acct.agreement:
            raise forbidden("agreement_not_accepted")
        if not acct.token_access:
            raise forbidden("token_access_disabled")


def api_update_token(acct, tid_text, raw):
    manage_refusals(acct)
    if alt("body-last"):
        lookup_token_id(acct, tid_text)
    body = parse_json(raw, invalid)
    only_keys(body, ("api_token",), invalid, "body")
    spec = get_object(body, "api_token", invalid)
    only_keys(spec, ("active", "description"), invalid, "api_token")
    if alt("string-active") and spec.get("active") in ("true", "false"):
        spec["active"] = spec["active"] == "true"
    if not isinstance(spec.get("active"), bool):
        raise invalid("api_token.active must be a boolean")
    if "description" in spec and not isinstance(spec["description"], str):
        raise invalid("description must be a string")
    t = lookup_token_id(acct, tid_text)                          # TOK-8 / not_found
    t.active = spec["active"]
    if "description" in spec:
        t.description = spec["description"]
    return 200, {"api_token": t.public()}


def api_delete_token(acct, tid_text):
    manage_refusals(acct)
    t = lookup_token_id(acct, tid_text)
    if bug("delete-own-tokens-only") and acct.caller is not None and t.creator is not None \
            and t.creator != acct.caller.id:
        raise forbidden("not_admin")
    if bug("delete-shifts-active"):
        flags = [k.active for k in acct.api_tokens]     # the parallel array, not shifted
        acct.api_tokens.remove(t)
        for i, k in enumerate(acct.api_tokens):
            k.active = flags[i]
        return 204, None
    if bug("ids-not-account-scoped"):
        for a in ACCOUNTS.values():
            if t in a.api_tokens:
                a.api_tokens.remove(t)
        return 204, None
    if bug("deleted-inactive-still-counted") and not t.active:
        acct.ghosts += 1                     # soft-deleted: the row stays, hidden
    acct.api_tokens.remove(t)                                    # TOK-8: gone for good
    return 204, None


def api_issue_oauth(acct, raw):
    body = parse_json(raw, invalid)
    only_keys(body, ("token",), invalid, "body")
    spec = get_object(body, "token", invalid)
    only_keys(spec, ("user_id", "scopes"), invalid, "token")
    uid = spec.get("user_id")
    if alt("float-ids") and isinstance(uid, float) and uid.is_integer():
        uid = int(uid)
    if not is_int(uid):
        raise invalid("token.user_id must be an integer")
    scopes = spec.get("scopes")
    if not isinstance(scopes, list) or (not scopes and not alt("empty-scopes-ok")):
        raise invalid("token.scopes must be a non-empty list")
    clean = []
    for s in scopes:
        if s not in ("read", "write"):
            raise invalid("unknown scope %r" % (s,))
        if s not in clean:
            clean.append(s)
    if uid not in acct.users:
        if alt("oauth-unknown-user-400"):
            raise invalid("token.user_id names no user of this account")
        raise not_found()
    granted = clean
    if bug("oauth-scope-order") and clean:
        granted = [s for s, ok in (("read", clean[0] == "read"), ("write", clean[-1] == "write"))
                   if ok]
    if bug("oauth-cap-per-user"):
        same = sorted((o for o in acct.oauth.values() if not o.revoked and o.user_id == uid
                       and set(o.scopes) == set(granted)), key=lambda o: o.id)
        while len(same) >= 10:
            same.pop(0).revoked = True                           # the oldest goes
    t = acct.new_oauth(uid, granted)
    return 201, {"token": {"id": t.id, "user_id": t.user_id, "scopes": list(clean),
                           "full_token": t.secret}}


def api_revoke_oauth(acct, ident, tid_text):
    t = None
    if parse_id(tid_text) is not None:
        tid_text = str(parse_id(tid_text))
        t = acct.oauth.get(int(tid_text))
        if t is None and bug("ids-not-account-scoped"):
            t = next((a.oauth[int(tid_text)] for a in ACCOUNTS.values()
                      if int(tid_text) in a.oauth), None)
    live = t is not None and not t.revoked
    if ident.kind == "anonymous":                                # alt anon-revoke-lookup
        if not live:
            raise not_found()
        raise forbidden("not_admin")
    caller = ident.user
    if bug("revoke-as-token-creator") and ident.api_token is not None and \
            ident.api_token.creator in acct.users:
        caller = acct.users[ident.api_token.creator]
    is_admin = caller.role == "admin"
    if bug("agent-revokes-end-user-oauth") and live and caller.role == "agent":
        owner = acct.users.get(t.user_id)
        if owner is not None and owner.role == "end-user":
            is_admin = True
    if bug("revoke-ownership-first"):
        if not is_admin and (t is None or t.user_id != ident.user.id):
            raise forbidden("not_admin")
    if not live:
        raise not_found()                                        # OAU-4
    if not is_admin and (t.user_id != caller.id or bug("end-user-revoke-own-forbidden")):
        raise forbidden("not_admin")                             # OAU-4
    t.revoked = True
    if bug("self-revoke-revokes-all") and not is_admin:
        for o in acct.oauth.values():
            if o.user_id == ident.user.id:
                o.revoked = True
    return 204, None


# --------------------------------------------------------------------------- routing
API_ROUTES = [
    # (regex, {method: (op, perm)})
    (re.compile(r"\Aapi/v2/users/me\.json\Z"), {"GET": ("me", "any")}),
    (re.compile(r"\Aapi/v2/tickets\.json\Z"), {"GET": ("tickets", "agent")}),
    (re.compile(r"\Aapi/v2/account/settings\.json\Z"),
     {"GET": ("settings_get", "agent"), "PUT": ("settings_put", "admin")}),
    (re.compile(r"\Aapi/v2/api_tokens\.json\Z"),
     {"GET": ("tokens_list", "admin"), "POST": ("token_create", "admin")}),
    (re.compile(r"\Aapi/v2/api_tokens/([^/]*)\.json\Z"),
     {"PUT": ("token_update", "admin"), "DELETE": ("token_delete", "admin")}),
    (re.compile(r"\Aapi/v2/oauth/tokens\.json\Z"), {"POST": ("oauth_issue", "admin")}),
    (re.compile(r"\Aapi/v2/oauth/tokens/([^/]*)\.json\Z"),
     {"DELETE": ("oauth_revoke", "identity")}),
]


def method_not_allowed(allowed):
    return HttpError(405, {"error": "MethodNotAllowed",
                           "description": "Allowed: " + ", ".join(allowed)},
                     {"Allow": ", ".join(allowed)})


def dispatch(handler, method, path, raw):
    parts = path.split("/")
    # root fixture interface
    if path == "/conformance/v1/accounts":
        if method != "POST":
            raise method_not_allowed(["POST"])
        return fixture_create_account(handler, raw)
    m = re.match(r"\A/conformance/v1/accounts/([^/]+)\Z", path)
    if m:
        if method != "DELETE":
            raise method_not_allowed(["DELETE"])
        if ACCOUNTS.pop(m.group(1), None) is None:
            raise not_found()
        return 204, None
    if len(parts) < 3 or parts[1] != "accounts":
        raise not_found()
    acct = ACCOUNTS.get(parts[2])
    if acct is None:
        raise not_found()
    rest = "/".join(parts[3:])
    # account fixture interface
    if rest == "conformance/v1/users":
        if method != "POST":
            raise method_not_allowed(["POST"])
        return fixture_add_user(acct, raw)
    m = re.match(r"\Aconformance/v1/users/([^/]+)\Z", rest)
    if m:
        if method != "PATCH":
            raise method_not_allowed(["PATCH"])
        return fixture_patch_user(acct, m.group(1), raw)
    if rest == "conformance/v1/account":
        if method != "PATCH":
            raise method_not_allowed(["PATCH"])
        return fixture_patch_account(acct, raw)
    # API
    for rx, methods in API_ROUTES:
        m = rx.match(rest)
        if not m:
            continue
        if method not in methods:
            raise method_not_allowed(sorted(methods))
        op, perm = methods[method]
        if op == "tokens_list" and bug("agent-lists-tokens"):
            perm = "admin_or_agent"
        auth = handler.headers.get_all("Authorization")
        if bug("conn-auth-sticky"):
            if auth:
                handler.sticky_auth = auth
            else:
                auth = getattr(handler, "sticky_auth", None)
        ident = identify(acct, auth)
        acct.caller = ident.user if ident.kind == "user" else None
        if op == "settings_put" and bug("noop-settings-skip-authz") and \
                ident.kind != "unauthorized" and settings_put_is_noop(acct, raw):
            return 200, acct.settings()
        authorize(ident, method, perm)
        arg = m.group(1) if m.groups() else None
        if op == "me":
            if ident.kind == "anonymous":
                return 200, ANON_BODY
            if bug("me-wrong-role"):
                return 200, {"user": dict(ident.user.public(), role="agent")}
            return 200, {"user": ident.user.public()}
        if op == "tickets":
            return 200, {"tickets": []}
        if op == "settings_get":
            out = acct.settings()
            if bug("settings-get-lies"):
                out["settings"]["api"]["api_token_access"] = False
            return 200, out
        if op == "settings_put":
            return api_put_settings(acct, raw)
        if op == "tokens_list":
            if bug("list-leaks-secrets"):
                return 200, {"api_tokens": [dict(t.public(), token=t.secret) for t in
                                            sorted(acct.api_tokens, key=lambda t: t.id,
                                               reverse=alt("reverse-token-list"))]}
            return 200, {"api_tokens": [t.public() for t in
                                        sorted(acct.api_tokens, key=lambda t: t.id,
                                               reverse=alt("reverse-token-list"))]}
        if op == "token_create":
            return api_create_token(acct, raw, ident)
        if op == "token_update":
            return api_update_token(acct, arg, raw)
        if op == "token_delete":
            return api_delete_token(acct, arg)
        if op == "oauth_issue":
            return api_issue_oauth(acct, raw)
        if op == "oauth_revoke":
            return api_revoke_oauth(acct, ident, arg)
    raise not_found()


def add_extra_fields(obj, top=False):
    if isinstance(obj, list):
        return [add_extra_fields(x) for x in obj]
    if not isinstance(obj, dict):
        return obj
    out = {k: add_extra_fields(v) for k, v in obj.items()}
    if out.get("id") is not None:
        out["url"] = "https://example.invalid/objects/%s.json" % (out["id"],)
        out["updated_at"] = iso(now_utc())
    if top:
        out["meta"] = {"server": "cleanroom", "has_more": False}
    return out


ID_KEYS = ("id", "user_id", "oauth_token_id")


def float_ids(obj):
    """alt float-ids: integer IDs written as 7.0."""
    if isinstance(obj, list):
        return [float_ids(x) for x in obj]
    if not isinstance(obj, dict):
        return obj
    return {k: (float(v) if k in ID_KEYS and is_int(v) else float_ids(v)) for k, v in obj.items()}


def escaped_dumps(obj):
    """alt json-escapes: valid JSON whose strings escape every non-alphanumeric character."""
    if isinstance(obj, str):
        out = []
        for c in obj:
            o = ord(c)
            if c.isascii() and c.isalnum():
                out.append(c)
            elif o > 0xFFFF:
                o -= 0x10000
                out.append("\\u%04x\\u%04x" % (0xD800 + (o >> 10), 0xDC00 + (o & 0x3FF)))
            else:
                out.append("\\u%04x" % o)
        return '"' + "".join(out) + '"'
    if isinstance(obj, dict):
        return "{" + ",".join(escaped_dumps(k) + ":" + escaped_dumps(v) for k, v in obj.items()) + "}"
    if isinstance(obj, list):
        return "[" + ",".join(escaped_dumps(x) for x in obj) + "]"
    return json.dumps(obj)


def accepts_gzip(header):
    """alt gzip-default: RFC 9110 12.5.3 -- no Accept-Encoding: any coding is acceptable."""
    if header is None:
        return True
    for item in header.split(","):
        parts = [p.strip() for p in item.split(";")]
        if parts[0].lower() in ("gzip", "*"):
            q = [p for p in parts[1:] if p.lower().startswith("q=")]
            return not q or float(q[0][2:] or 0) > 0
    return False


CSP = "default-src 'self'; " + "; ".join("script-src-elem https://cdn%d.example.invalid" % i
                                         for i in range(160))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True   # headers and body are separate writes
    server_version = "cleanroom/1.0"
    sys_version = ""

    def log_message(self, fmt, *args):  # quiet
        pass

    def read_body(self):
        te = self.headers.get("Transfer-Encoding")
        if te is not None:
            if te.strip().lower() != "chunked":
                raise HttpError(501, {"error": "NotImplemented",
                                      "description": "unsupported transfer encoding"})
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(chunks)
        cl = self.headers.get_all("Content-Length") or []
        if not cl:
            return b""
        if len(set(v.strip() for v in cl)) != 1 or not cl[0].strip().isdigit():
            self.close_connection = True
            raise invalid("bad Content-Length")
        n = int(cl[0].strip())
        if n > 10 * 1024 * 1024:
            self.close_connection = True
            raise HttpError(413, {"error": "PayloadTooLarge", "description": "body too large"})
        return self.rfile.read(n)

    def respond(self, status, body, headers=None):
        if body is not None and alt("extra-fields"):
            body = add_extra_fields(body, top=True)
        if body is not None and alt("float-ids"):
            body = float_ids(body)
        if body is None:
            payload = b""
        elif alt("pretty-json"):
            payload = (json.dumps(body, indent=2, sort_keys=True) + "\n").encode("utf-8")
        elif alt("json-escapes"):
            payload = escaped_dumps(body).encode("ascii")
        else:
            payload = json.dumps(body).encode("utf-8")
        if alt("plain-200") and status in (201, 204):
            status = 200
        self.requests_here = getattr(self, "requests_here", 0) + 1
        if alt("close-every-10") and self.requests_here % 10 == 0:
            self.close_connection = True
        if alt("close-on-error") and 400 <= status < 500:
            self.close_connection = True
        delimited = alt("close-delimited")
        if delimited:
            self.close_connection = True
        if alt("interim-1xx") and self.request_version == "HTTP/1.1":
            interim = b""
            if self.headers.get("Content-Length", "0").strip() not in ("", "0"):
                interim += b"HTTP/1.1 100 Continue\r\n\r\n"
            interim += (b"HTTP/1.1 103 Early Hints\r\nLink: </assets/app.css>; rel=preload; "
                        b"as=style\r\n\r\n")
            self.wfile.write(interim)
        gz = alt("gzip-default") and payload and accepts_gzip(self.headers.get("Accept-Encoding"))
        if gz:
            import gzip
            payload = gzip.compress(payload)
        if alt("empty-reason"):
            self.send_response(status, "")
        else:
            self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json;charset=UTF-8"
                             if alt("extra-headers") else "application/json; charset=utf-8")
        if gz:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        extra = dict(headers or {})
        if alt("extra-headers"):
            if status == 403:
                extra["WWW-Authenticate"] = 'Basic realm="Web Password"'
        for k, v in extra.items():
            self.send_header(k, v)
        if alt("extra-headers"):
            if status == 401:       # a second challenge, in a header of its own
                self.send_header("WWW-Authenticate", 'Bearer realm="Web Password"')
            self.send_header("X-Request-Id", secrets.token_hex(16))
            self.send_header("Set-Cookie", "_zendesk_session=%s; path=/; secure; HttpOnly; "
                             "SameSite=Lax" % secrets.token_urlsafe(48))
            self.send_header("Set-Cookie", "__cfruid=%s-%d; path=/; domain=.example.invalid; "
                             "HttpOnly; Secure; SameSite=None" % (secrets.token_hex(20),
                                                                  int(time.time())))
            self.send_header("Cache-Control", "no-cache, no-store, private, max-age=0")
            self.send_header("Vary", "Accept-Encoding, Authorization, Origin")
            self.send_header("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
            self.send_header("X-Frame-Options", "SAMEORIGIN")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("X-Rate-Limit", "700")
            self.send_header("X-Rate-Limit-Remaining", "699")
            self.send_header("Content-Security-Policy", CSP)
            self.send_header("Keep-Alive", "timeout=60")
        trailers = alt("chunked-trailers") and status != 204 and \
            self.request_version == "HTTP/1.1" and not delimited
        chunked = (alt("chunked") or trailers) and status != 204 and \
            self.request_version == "HTTP/1.1" and not delimited
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
            if trailers:
                self.send_header("Trailer", "X-Checksum")
        elif delimited:
            pass                    # the body ends at the close
        elif status != 204 or not alt("chunked"):
            self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        if trailers:
            out = b""
            for i in range(0, len(payload), 3):
                part = payload[i:i + 3]
                out += b"%x;n=%d\r\n" % (len(part), i) + part + b"\r\n"
            out += b"0\r\nX-Checksum: %s\r\n\r\n" % secrets.token_hex(8).encode()
            self._headers_buffer.append(b"\r\n")
            self._headers_buffer.append(out)
            self.flush_headers()
            return
        if alt("close-unannounced"):
            self.close_connection = True  # after this answer, which does not say so
        late_close = alt("close-after-401") and status == 401 and not self.close_connection
        if chunked:
            half = len(payload) // 2
            out = b""
            for part in (payload[:half], payload[half:]):
                if part:
                    out += b"%x\r\n" % len(part) + part + b"\r\n"
            out += b"0\r\n\r\n"
            self._headers_buffer.append(b"\r\n")
            self._headers_buffer.append(out)
            self.flush_headers()
            return
        if alt("split-writes"):
            data = b"".join(self._headers_buffer) + b"\r\n" + payload
            self._headers_buffer = []
            q = max(1, len(data) // 4)
            for i in range(0, len(data), q):
                self.wfile.write(data[i:i + q])
                time.sleep(0.002)
            return
        self.end_headers()
        if payload and self.command != "HEAD":
            self.wfile.write(payload)
        if late_close:
            self.wfile.flush()
            time.sleep(0.005)
            self.close_connection = True

    def send_header(self, keyword, value):
        if alt("lowercase-headers"):
            keyword = keyword.lower()
        super().send_header(keyword, value)

    def handle_any(self):
        try:
            raw = self.read_body()
            if alt("rate-limit") and next(THROTTLE) % 7 == 6:  # not served: ask again
                self.respond(429, {"error": "TooManyRequests"}, {"Retry-After": "0"})
                return
            if alt("unavailable-503") and next(SHED) % 13 == 12:  # not served: ask again
                self.respond(503, {"error": "ServiceUnavailable"}, {"Retry-After": "0"})
                return
            path = urlsplit(self.path).path
            if alt("relative-base-url"):
                path = re.sub("/{2,}", "/", path)
            if alt("slow"):
                if self.command == "POST" and path == "/conformance/v1/accounts":
                    time.sleep(1.5)
                elif next(SLOW) % 5 == 4:
                    time.sleep(0.5)
            with LOCK:
                status, body = dispatch(self, self.command, path, raw)
            self.respond(status, body)
        except HttpError as e:
            self.respond(e.status, e.body, e.headers)
        except (ValueError, OSError) as e:
            self.close_connection = True
            try:
                self.respond(400, {"error": "InvalidRequest", "description": str(e)})
            except OSError:
                pass

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class OneAtATimeServer(HTTPServer):
    allow_reuse_address = True
    request_queue_size = 128


def main():
    global POLICY, BUG, TOKENS_RETIRED_AFTER
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--policy", choices=("article", "zendesk-2026"), default="article")
    ap.add_argument("--bug", choices=sorted(BUGS))
    ap.add_argument("--tokens-retired", action="store_true",
                    help="zendesk-2026: every account created from now on is past the "
                         "token retirement date")
    ap.add_argument("--tokens-retired-after", metavar="ISO8601",
                    help="zendesk-2026: accounts created after this instant cannot "
                         "generate tokens")
    ap.add_argument("--alt", action="append", default=[], choices=sorted(ALTS),
                    help="take the other answer to a spec-silent question (repeatable)")
    ap.add_argument("--list-bugs", action="store_true")
    ap.add_argument("--list-alts", action="store_true")
    a = ap.parse_args()
    if a.list_bugs:
        for k, v in BUGS.items():
            print("%-28s %s" % (k, v))
        return
    if a.list_alts:
        for k, v in ALTS.items():
            print("%-28s %s" % (k, v))
        return
    POLICY = a.policy
    BUG = a.bug
    ALT.update(a.alt)
    if alt("http10"):
        Handler.protocol_version = "HTTP/1.0"
    if alt("idle-timeout"):
        Handler.timeout = 0.3
    if a.tokens_retired:
        TOKENS_RETIRED_AFTER = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    if a.tokens_retired_after:
        dt = datetime.datetime.fromisoformat(a.tokens_retired_after.replace("Z", "+00:00"))
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=datetime.timezone.utc)
        TOKENS_RETIRED_AFTER = dt
    srv = (OneAtATimeServer if alt("one-at-a-time") else Server)((a.host, a.port), Handler)
    host, port = srv.server_address[:2]
    srv.root_url = "http://%s:%d" % (host, port)
    print("cleanroom listening on %s" % srv.root_url, flush=True)
    try:
        srv.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
