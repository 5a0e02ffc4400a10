#!/usr/bin/env bash
# One check of the harness against the clean-room server (server.py, written
# from the spec alone, README.md): starts it with SERVER-ARGS on a free
# loopback port, runs `AUTHCONFORM COMMAND --target URL ARGS...` (certify also
# gets a temporary --report-dir), and passes when that exits EXPECTED. On any
# other exit it prints the command's output and fails.
# Usage: tests/cleanroom/expect.sh AUTHCONFORM EXPECTED "SERVER-ARGS" COMMAND [ARGS...]
set -uo pipefail
[ $# -ge 4 ] || { echo "usage: $0 AUTHCONFORM EXPECTED \"SERVER-ARGS\" COMMAND [ARGS...]" >&2; exit 2; }
bin=$1 expected=$2 server_args=$3 command=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

# shellcheck disable=SC2086  # SERVER-ARGS is a list of words
python3 "$here/server.py" --port 0 $server_args >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q "listening on" "$work/server.log" && break; sleep 0.1; done
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/server.log")
[ -n "$url" ] || { echo "the clean-room server did not start:"; cat "$work/server.log"; exit 1; }

extra=()
[ "$command" = certify ] && extra=(--report-dir "$work/report")
"$bin" "$command" --target "$url" "${extra[@]}" "$@" >"$work/out.log" 2>&1
status=$?
if [ "$status" -ne "$expected" ]; then
  echo "expected exit $expected, got $status from: authconform $command --target $url $* (server: $server_args)"
  cat "$work/out.log"
  exit 1
fi
echo "exit $status as expected: authconform $command $* (server: ${server_args:-correct})"
