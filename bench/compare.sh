#!/usr/bin/env bash
# Side-by-side request rates on this machine (docs/performance.md):
#   wrk -c1 / -c8 on users/me with token auth against `authconform serve`,
#   `authconform fuzz --jobs 1 / 8` against the same server,
#   a bare Python requests.Session loop doing the same request,
#   `fuzz --target model` (steps per second),
#   wrk -c1 / -c8 against bench/constant_server (a minimal cpp-httplib server
#   answering a constant body) beside the reference server,
#   and the suite phase of `certify` on the embedded target;
#   and the least client: bench/replay_client replaying, on one connection,
#   the requests of a captured `fuzz --jobs 1` run (the same work for the
#   server, with no model, generation or checking), to tell the client's cost
#   from the cost of the fuzzed mix of requests; bench/replay_python.py does
#   the same requests from a bare Python requests.Session loop.
# Then, on a machine with 2 cores or more, wrk -c8, fuzz --jobs 8 and the least
# client on 8 connections again with the server on a core of its own (the
# clients on the others), each with the share of that core the server used.
# Peak memory of a fuzz campaign is bench/memory.sh.
# Usage: bench/compare.sh [seconds per measurement, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
secs=${1:-10}
bin=${AUTHCONFORM_BIN:-build/cli/authconform}
constant=${CONSTANT_SERVER_BIN:-$(dirname "$bin")/../bench/constant_server}
[ -x "$constant" ] || { echo "compare.sh: $constant not built (cmake --build build --target constant_server)"; exit 2; }
replay=${REPLAY_CLIENT_BIN:-$(dirname "$bin")/../bench/replay_client}
[ -x "$replay" ] || { echo "compare.sh: $replay not built (cmake --build build --target replay_client)"; exit 2; }
for tool in wrk python3 curl strace; do command -v $tool >/dev/null || { echo "compare.sh: needs $tool (apt-get install wrk python3-requests curl strace)"; exit 2; }; done
strace -o /dev/null true 2>/dev/null || { echo "compare.sh: strace cannot trace here (ptrace not permitted); the least client's capture needs it"; exit 2; }

log=$(mktemp)
$bin serve --port 0 >"$log" 2>&1 &
server=$!
clog=$(mktemp)
"$constant" 0 >"$clog" 2>&1 &
constant_pid=$!
capture=
trap 'kill $server $constant_pid 2>/dev/null; rm -rf "$log" "$log.least" "$clog" $capture' EXIT
url=$(url_from_log "$log")
constant_url=$(url_from_log "$clog")
account_with_token "$url" bench  # token access on and one API token: sets base, oauth, email, auth

# Client commands run under "${on_clients[@]}": empty at first, then taskset to
# the cores the server does not have (pin_server).
on_clients=()
wrk_rate() {  # connections [base URL]
  "${on_clients[@]}" wrk -t1 -c"$1" -d"${secs}s" -H "Authorization: $auth" "${2:-$base}/api/v2/users/me.json" | awk '/Requests\/sec/ {print $2}'
}
fuzz_rate() {  # jobs; prints "steps/s HTTP-requests/s": each sequence also creates and deletes its account
  local out; out=$(mktemp)
  "${on_clients[@]}" $bin fuzz --target "$url" --jobs "$1" --time "$secs" --seed 1 --json "$out" >/dev/null 2>&1 || true
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(round(d["requests_per_second"]), round((d["steps"] + 2 * d["sequences"]) / d["seconds"]))' "$out"
  rm -f "$out"
}
python_rate() {
  python3 - "$base/api/v2/users/me.json" "$auth" "$secs" <<'PY'
import sys, time, requests
url, auth, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
s = requests.Session(); s.headers["Authorization"] = auth
n, end = 0, time.monotonic() + secs
while time.monotonic() < end:
    s.get(url).status_code; n += 1
print(round(n / secs))
PY
}
model_rate() {
  local out; out=$(mktemp)
  $bin fuzz --target model --time "$secs" --seed 1 --json "$out" >/dev/null 2>&1 || true
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(round(d["steps"]/d["seconds"]))' "$out"
  rm -f "$out"
}

# The fuzz run of --runs 2000 --seed 1 captured (strace: every byte sent and
# received), turned into a replay file, and replayed three times against the
# server by the least client; prints the median "steps/s requests/s" and the
# replays' answers that differed from the capture (0: the replays did the same work).
# Then the same on eight connections at once (least_client_rate8).
least_client_rate() {
  local steps; capture=$(mktemp -d)
  strace -ff -ttt -s 1000000 -xx -e trace=connect,sendto,recvfrom -o "$capture/cap" \
    $bin fuzz --target "$url" --jobs 1 --runs 2000 --seed 1 --json "$capture/fuzz.json" >/dev/null 2>&1 || true
  steps=$(json_get 'd["steps"]' <"$capture/fuzz.json")
  echo "$steps" >"$capture/steps"
  python3 bench/replay_capture.py "$capture/cap" "$capture/replay" >/dev/null
  rm -f "$capture"/cap.*
  for _ in 1 2 3; do "$replay" "${url#http://}" "$capture/replay" "$steps" 2>/dev/null || true; done >"$capture/out"
  median_replay "$capture/out"
}

# The capture replayed by eight connections at once, each with accounts of its
# own, as `fuzz --jobs 8` runs eight jobs: what any client reaches on the mix
# against wrk -c8. Same output as least_client_rate.
least_client_rate8() {
  for _ in 1 2 3; do
    "${on_clients[@]}" "$replay" "${url#http://}" "$capture/replay" "$(cat "$capture/steps")" 8 2>/dev/null || true
  done >"$capture/out8"
  median_replay "$capture/out8"
}

# The median of replay lines: "steps/s requests/s answers-other-than-captured (all runs)".
median_replay() {  # FILE
  python3 - "$1" <<'PY'
import re, sys
runs = [re.search(r"(\d+) requests/s, (\d+) steps/s; (\d+) answers", l).groups() for l in open(sys.argv[1])]
runs.sort(key=lambda r: int(r[1]))
req, steps, other = runs[len(runs) // 2]
print(steps, req, sum(int(r[2]) for r in runs))
PY
}

# The same requests (the capture least_client_rate made) from Python, for SECONDS.
python_replay_rate() {
  python3 bench/replay_python.py "${url#http://}" "$capture/replay" "$(cat "$capture/steps")" "$secs" >"$capture/py" 2>&1 || true
  median_replay "$capture/py"
}

# Separate cores: the server's threads on core 0, every client on the others,
# so that no client takes CPU from the server and the server's core is the
# bottleneck, as issue 7 wants the target to be. Needs 2 cores and taskset.
pin_server() {
  taskset -a -p -c 0 "$server" >/dev/null
  on_clients=(taskset -c "1-$(($(nproc) - 1))")
}
server_jiffies() { awk '{print $14 + $15}' "/proc/$server/stat"; }  # user + system, all threads
# Busy and total jiffies of cores 1 and up together (the clients' cores).
client_cores_jiffies() { awk '/^cpu[1-9]/ {busy += $2 + $3 + $4 + $7 + $8 + $9; all += $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9} END {print busy, all}' /proc/stat; }
# Runs CMD (a function printing a rate) and stores its output in the variable
# OUT, and in OUT_busy the server's CPU over the run as a share of one core and
# the share of the clients' cores that was busy.
with_busy_shares() {  # OUT CMD...
  local out=$1 j0 t0 c0 a0 result; shift
  j0=$(server_jiffies); t0=$(date +%s.%N); read -r c0 a0 <<<"$(client_cores_jiffies)"
  result=$("$@")
  printf -v "$out" '%s' "$result"
  local j1 t1 c1 a1; j1=$(server_jiffies); t1=$(date +%s.%N); read -r c1 a1 <<<"$(client_cores_jiffies)"
  printf -v "${out}_busy" 'server %s, clients %s' \
    "$(python3 -c "print(f'{($j1 - $j0) / $(getconf CLK_TCK) / ($t1 - $t0):.0%}')")" \
    "$(python3 -c "print(f'{($c1 - $c0) / max($a1 - $a0, 1):.0%}')")"
}

suite_seconds() {  # the suite phase of certify on the embedded target, default budget
  local dir; dir=$(mktemp -d)
  $bin certify --report-dir "$dir" --quiet >/dev/null 2>&1 || true
  python3 - "$dir/report.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("%.2f of %.1f" % (d["suite"]["summary"]["duration_ms"] / 1000, d["duration_ms"] / 1000))
PY
  rm -rf "$dir"
}

w1=$(wrk_rate 1); w8=$(wrk_rate 8)
c1=$(wrk_rate 1 "$constant_url"); c8=$(wrk_rate 8 "$constant_url")
read -r f1 h1 <<<"$(fuzz_rate 1)"; read -r f8 h8 <<<"$(fuzz_rate 8)"
py=$(python_rate)
least_client_rate >"$log.least"  # not in $(...): it sets $capture for python_replay_rate
read -r l1 lh1 lbad <"$log.least"
read -r l8 lh8 l8bad <<<"$(least_client_rate8)"
read -r p1 ph1 pbad <<<"$(python_replay_rate)"
model=$(model_rate)
suite=$(suite_seconds)
pinned=
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  pinned=yes
  pin_server
  with_busy_shares pw8 wrk_rate 8
  with_busy_shares pf8 fuzz_rate 8; read -r pf8 ph8 <<<"$pf8"
  with_busy_shares pl8 least_client_rate8; read -r pl8 plh8 pl8bad <<<"$pl8"
fi
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
printf '%-44s %10s\n' "measurement" "req/s"
printf '%-44s %10s\n' "wrk -c1 users/me (token)" "$w1"
printf '%-44s %10s\n' "wrk -c8 users/me (token)" "$w8"
printf '%-44s %10s   ratio to wrk -c1: %s\n' "fuzz --jobs 1 over HTTP (fuzzed steps)" "$f1" "$(ratio $f1 $w1)"
printf '%-44s %10s   ratio to wrk -c1: %s\n' "  all its HTTP requests (+ account set-up)" "$h1" "$(ratio $h1 $w1)"
printf '%-44s %10s   ratio to wrk -c8: %s\n' "fuzz --jobs 8 over HTTP (fuzzed steps)" "$f8" "$(ratio $f8 $w8)"
printf '%-44s %10s   ratio to wrk -c8: %s\n' "  all its HTTP requests (+ account set-up)" "$h8" "$(ratio $h8 $w8)"
printf '%-44s %10s   fuzz -j1 / python: %s\n' "python requests.Session loop, users/me" "$py" "$(ratio $f1 $py)"
printf '%-44s %10s   fuzz -j1 / python: %s (all requests: %s); answers other than captured: %s\n' "python requests.Session, the fuzz mix (steps)" "$p1" "$(ratio $f1 $p1)" "$(ratio $h1 $ph1)" "$pbad"
printf '%-44s %10s   ratio to wrk -c1: %s; fuzz -j1 / least client: %s\n' "least client, the fuzz -j1 mix (steps)" "$l1" "$(ratio $l1 $w1)" "$(ratio $f1 $l1)"
printf '%-44s %10s   ratio to wrk -c1: %s; answers other than captured: %s\n' "  all its HTTP requests" "$lh1" "$(ratio $lh1 $w1)" "$lbad"
printf '%-44s %10s   ratio to wrk -c8: %s; fuzz -j8 / least client: %s\n' "least client, 8 connections (steps)" "$l8" "$(ratio $l8 $w8)" "$(ratio $f8 $l8)"
printf '%-44s %10s   ratio to wrk -c8: %s; answers other than captured: %s\n' "  all its HTTP requests" "$lh8" "$(ratio $lh8 $w8)" "$l8bad"
printf '%-44s %10s   (model steps/s)\n' "fuzz --target model" "$model"
printf '%-44s %10s\n' "wrk -c1 constant_server" "$c1"
printf '%-44s %10s\n' "wrk -c8 constant_server" "$c8"
printf '%-44s %10s   reference / constant, -c1: %s, -c8: %s\n' "" "" "$(ratio $w1 $c1)" "$(ratio $w8 $c8)"
printf '%-44s %10s   (seconds, suite phase of the whole certify)\n' "certify, embedded target" "$suite"
[ -n "$pinned" ] || { echo "(no measurement on separate cores: it needs 2 cores and taskset)"; exit 0; }
echo
echo "separate cores: the server on core 0, the clients on cores ${on_clients[2]} (busy: the server's share of its core, and of the clients' cores)"
printf '%-44s %10s   (%s)\n' "wrk -c8 users/me (token)" "$pw8" "$pw8_busy"
printf '%-44s %10s   ratio to wrk -c8: %s (%s)\n' "fuzz --jobs 8 over HTTP (fuzzed steps)" "$pf8" "$(ratio $pf8 $pw8)" "$pf8_busy"
printf '%-44s %10s   ratio to wrk -c8: %s\n' "  all its HTTP requests (+ account set-up)" "$ph8" "$(ratio $ph8 $pw8)"
printf '%-44s %10s   ratio to wrk -c8: %s; fuzz -j8 / least client: %s (%s)\n' "least client, 8 connections (steps)" "$pl8" "$(ratio $pl8 $pw8)" "$(ratio $pf8 $pl8)" "$pl8_busy"
printf '%-44s %10s   ratio to wrk -c8: %s; answers other than captured: %s\n' "  all its HTTP requests" "$plh8" "$(ratio $plh8 $pw8)" "$pl8bad"
