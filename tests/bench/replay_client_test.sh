#!/usr/bin/env bash
# The least client (bench/replay_client.cpp, docs/performance.md) on a
# hand-made replay file against `authconform serve`: the secret and the account
# ID an answer issues fill the later requests (a Bearer token, a path, a Basic
# credential encoded at replay time), on one connection and on four at once,
# each with an account of its own; an answer whose status differs from the
# file's is named and fails the replay (exit 1).
# Usage: tests/bench/replay_client_test.sh AUTHCONFORM REPLAY_CLIENT
set -euo pipefail
bin=$1 replay=$2
source "$(cd "$(dirname "$0")/../.." && pwd)/bench/lib.sh"  # url_from_log
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
"$bin" serve --port 0 >"$work/server.log" 2>&1 &
server=$!
url=$(url_from_log "$work/server.log")
[ -n "$url" ] || { echo "the server did not start:"; cat "$work/server.log"; exit 1; }
origin=${url#http://}

# Writes good.replay and, with the Basic request's status captured as 401, bad.replay.
python3 - "$work" "$origin" <<'PY'
import struct, sys
work, host = sys.argv[1], sys.argv[2].encode()

def request(method, path, headers=b'', body=b''):
    head = method + b' ' + path + b' HTTP/1.1\r\nHost: ' + host + b'\r\n' + headers
    if body:
        head += b'Content-Type: application/json\r\nContent-Length: %d\r\n' % len(body)
    return head + b'\r\n' + body

def record(status, req, issued=()):
    out = struct.pack('<HI', status, len(req)) + req + struct.pack('<I', len(issued))
    for slot, key in issued:
        out += struct.pack('<IH', slot, len(key)) + key
    return out

admin = b'Authorization: Bearer \x010\x01\r\n'  # slot 0: the admin's OAuth token
base = b'/accounts/\x011\x01/api/v2'             # slot 1: the account ID
settings = b'{"settings":{"api":{"accepted_api_agreement":true,"api_password_access_end_users":true}}}'
def replay(basic_status):
    return b''.join([
        record(201, request(b'POST', b'/conformance/v1/accounts',
                            body=b'{"users":[{"email":"eve@x.test","role":"end-user","password":"pw-eve-1"}]}'),
               [(0, b'oauth_token'), (1, b'id')]),
        record(200, request(b'PUT', base + b'/account/settings.json', admin, settings)),
        record(basic_status, request(b'GET', base + b'/users/me.json',
                                     b'Authorization: Basic \x02eve@x.test:pw-eve-1\x03\r\n')),
        record(200, request(b'GET', base + b'/users/me.json', admin)),
        record(204, request(b'DELETE', b'/conformance/v1/accounts/\x011\x01')),
    ])
open(work + '/good.replay', 'wb').write(replay(200))
open(work + '/bad.replay', 'wb').write(replay(401))
PY

expect_line() {  # FILE TEXT
  grep -qF -- "$2" "$1" || { echo "expected '$2' in:"; cat "$1"; exit 1; }
}
"$replay" "$origin" "$work/good.replay" 3 >"$work/one.out"
expect_line "$work/one.out" "5 requests in "
expect_line "$work/one.out" "; 0 answers with another status than captured"
"$replay" "$origin" "$work/good.replay" 3 4 >"$work/four.out"
expect_line "$work/four.out" "20 requests in "
expect_line "$work/four.out" "; 0 answers with another status than captured"
status=0
"$replay" "$origin" "$work/bad.replay" 3 2 >"$work/bad.out" 2>"$work/bad.err" || status=$?
[ "$status" -eq 1 ] || { echo "a replay with a differing answer exited $status, not 1"; cat "$work/bad.out" "$work/bad.err"; exit 1; }
expect_line "$work/bad.out" "; 2 answers with another status than captured"
expect_line "$work/bad.err" "request 2 answered 200, captured 401: GET /accounts/"
echo "replay_client: filled secrets and IDs on 1 and 4 connections; a differing answer fails"
