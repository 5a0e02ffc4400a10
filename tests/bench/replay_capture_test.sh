#!/usr/bin/env bash
# bench/replay_capture.py, as compare.sh uses it: a `fuzz --jobs 1` run
# captured with strace becomes a replay file holding every request the fuzzer
# sent (its steps and the account creations and deletions), which the least
# client replays against a fresh server with every answer's status as
# captured. Exit 77 (a skip ctest shows) when strace cannot trace here.
# Usage: tests/bench/replay_capture_test.sh AUTHCONFORM REPLAY_CLIENT
set -euo pipefail
bin=$1 replay=$2
here=$(cd "$(dirname "$0")/../.." && pwd)
source "$here/bench/lib.sh"  # url_from_log
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
command -v strace >/dev/null || { echo "SKIPPED: no strace (apt-get install strace)"; exit 77; }
strace -o /dev/null true 2>/dev/null || { echo "SKIPPED: strace cannot trace here (ptrace not permitted)"; exit 77; }

"$bin" serve --port 0 >"$work/server.log" 2>&1 &
server=$!
url=$(url_from_log "$work/server.log")
[ -n "$url" ] || { echo "the server did not start:"; cat "$work/server.log"; exit 1; }

strace -ff -ttt -s 1000000 -xx -e trace=connect,sendto,recvfrom -o "$work/cap" \
  "$bin" fuzz --target "$url" --jobs 1 --runs 40 --seed 1 --json "$work/fuzz.json" >/dev/null 2>&1
read -r steps sequences < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["steps"], d["sequences"])' "$work/fuzz.json")
python3 "$here/bench/replay_capture.py" "$work/cap" "$work/replay" >"$work/capture.out"

# Every request: the fuzzed steps, and an account created and deleted per
# sequence (the second sandbox account, when the run made one, adds its own).
# It prints: requests, fuzzed steps, secrets.
read -r requests captured_steps _ <"$work/capture.out"
# The second sandbox account's own set-up (a few API requests, once per run)
# is captured beside the fuzzed steps.
[ "$captured_steps" -ge "$steps" ] && [ "$captured_steps" -le $((steps + 8)) ] ||
  { echo "the capture holds $captured_steps API requests, the fuzz run made $steps steps:"; cat "$work/capture.out"; exit 1; }
[ "$requests" -ge $((captured_steps + 2 * sequences)) ] ||
  { echo "the capture holds $requests requests, fewer than $captured_steps + 2 x $sequences accounts"; exit 1; }

"$replay" "${url#http://}" "$work/replay" "$steps" >"$work/replay.out"
grep -qF "$requests requests in " "$work/replay.out" || { echo "not every request was replayed:"; cat "$work/replay.out"; exit 1; }
grep -qF "; 0 answers with another status than captured" "$work/replay.out" ||
  { echo "the replay's answers differ from the capture:"; cat "$work/replay.out"; exit 1; }
echo "replay_capture: $requests requests ($steps fuzzed steps, $sequences accounts) captured and replayed alike"
