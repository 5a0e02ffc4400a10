#!/usr/bin/env bash
# Peak and sampled memory of a fuzz campaign (docs/performance.md):
# `authconform fuzz` against the embedded reference target (client and server
# in one process, the default) for SECONDS, sampling VmRSS every second;
# prints the peak (VmHWM), the RSS after the first tenth of the run (warm) and
# at the end (flat means end - warm is small).
# Usage: bench/memory.sh [SECONDS, default 60] [extra fuzz arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
bin=${AUTHCONFORM_BIN:-build/cli/authconform}
samples=$(mktemp)
trap 'rm -f "$samples"' EXIT

"$bin" fuzz --time "$secs" --seed 1 --quiet "$@" >/dev/null 2>&1 &
pid=$!
peak=0
while kill -0 "$pid" 2>/dev/null; do
  if [ -r "/proc/$pid/status" ]; then
    awk '/^VmRSS/ {print $2}' "/proc/$pid/status" >>"$samples" 2>/dev/null || true
    hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ -n "$hwm" ] && [ "$hwm" -gt "$peak" ] && peak=$hwm
  fi
  sleep 1
done
wait "$pid" || true
python3 - "$samples" "$peak" "$secs" <<'PY'
import sys
rss = [int(x) for x in open(sys.argv[1]).read().split() if x.strip()]
peak, secs = int(sys.argv[2]), sys.argv[3]
if not rss:
    sys.exit("memory.sh: no samples (did fuzz start?)")
warm = rss[max(1, len(rss) // 10) - 1]
print(f"fuzz campaign of {secs} s, {len(rss)} samples")
print(f"peak RSS (VmHWM): {peak / 1024:.1f} MiB")
print(f"RSS warm: {warm / 1024:.1f} MiB, end: {rss[-1] / 1024:.1f} MiB, min {min(rss) / 1024:.1f}, max {max(rss) / 1024:.1f}")
print("RSS every 10 s (MiB): " + " ".join(f"{x / 1024:.1f}" for x in rss[9::10]))
PY
