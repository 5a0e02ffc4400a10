#!/usr/bin/env bash
# bench/compare.sh end to end, one second a measurement: every figure of its
# table is there and is a number, every replay did the captured work, and on
# a machine with two cores and taskset the separate-cores part is printed
# with the server's and the clients' busy shares. It checks that the script
# measures, not how fast anything is. Exit 77 (a skip ctest shows) without
# wrk or a strace that can trace.
# Usage: tests/bench/compare_test.sh AUTHCONFORM CONSTANT_SERVER REPLAY_CLIENT
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
command -v wrk >/dev/null || { echo "SKIPPED: no wrk (apt-get install wrk)"; exit 77; }
command -v strace >/dev/null || { echo "SKIPPED: no strace (apt-get install strace)"; exit 77; }
strace -o /dev/null true 2>/dev/null || { echo "SKIPPED: strace cannot trace here (ptrace not permitted)"; exit 77; }
python3 -c 'import requests' 2>/dev/null || { echo "SKIPPED: no python3-requests"; exit 77; }

out=$(mktemp)
trap 'rm -f "$out"' EXIT
AUTHCONFORM_BIN=$1 CONSTANT_SERVER_BIN=$2 REPLAY_CLIENT_BIN=$3 "$here/bench/compare.sh" 1 >"$out" 2>&1 ||
  { echo "compare.sh failed:"; cat "$out"; exit 1; }
separate=no
[ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null && separate=yes
python3 - "$out" "$separate" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
separate = sys.argv[2] == "yes"
problems = []
def row(label, section):
    m = re.search(r"^" + re.escape(label) + r"\s+([0-9.]+)\b(.*)$", section, re.M)
    if not m or float(m.group(1)) <= 0:
        problems.append(f"no positive figure for {label!r}")
        return ""
    return m.group(2)
head, _, tail = text.partition("\nseparate cores:")
for label in ["wrk -c1 users/me (token)", "wrk -c8 users/me (token)",
              "fuzz --jobs 1 over HTTP (fuzzed steps)", "fuzz --jobs 8 over HTTP (fuzzed steps)",
              "python requests.Session loop, users/me", "python requests.Session, the fuzz mix (steps)",
              "least client, the fuzz -j1 mix (steps)", "least client, 8 connections (steps)",
              "fuzz --target model", "wrk -c1 constant_server", "wrk -c8 constant_server",
              "certify, embedded target"]:
    row(label, head)
ratios = re.findall(r"(?:ratio to wrk -c[18]|fuzz -j[18] / [a-z ]+|-c[18]): *([^ ,;(\n]*)", head)
if len(ratios) < 14:
    problems.append(f"{len(ratios)} ratios printed, not 14")
for ratio in ratios:
    if not re.fullmatch(r"[0-9]+\.[0-9]+", ratio):
        problems.append(f"a ratio is not a number: {ratio!r}")
others = re.findall(r"answers other than captured: (\S+)", text)
if len(others) < (4 if separate else 3) or any(o != "0" for o in others):
    problems.append(f"replays that did other work than captured: {others}")
if separate:
    if not tail:
        problems.append("no separate-cores part on a machine with 2 cores and taskset")
    for label in ["wrk -c8 users/me (token)", "fuzz --jobs 8 over HTTP (fuzzed steps)",
                  "least client, 8 connections (steps)"]:
        rest = row(label, tail)
        if not re.search(r"\(server [0-9]+%, clients [0-9]+%\)", rest):
            problems.append(f"no busy shares for {label!r} on separate cores: {rest!r}")
elif tail:
    problems.append("a separate-cores part without two cores and taskset")
if problems:
    print("\n".join(problems)); print("--- compare.sh printed:"); print(text); sys.exit(1)
print("compare.sh printed every figure" + (" and the separate-cores part" if separate else ""))
PY
