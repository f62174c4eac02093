#!/usr/bin/env bash
# What an idle OMS costs: CPU (ms per second) and wake-ups (context switches per second) of
# each of its threads, over SECONDS seconds with no order, after it has settled.
#   bench/idle/idle_cpu.sh [fsync|write|none] [seconds]
# Needs `make build` first. Threads are named from GET /health/workers (the io thread is
# the main thread); "other" is V8's and libuv's helper threads. bench/README.md, "Fifth pass".
set -euo pipefail
cd "$(dirname "$0")/../.."
durability=${1:-none}
seconds=${2:-10}
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
data_dir=$(mktemp -d)
OMS_HOST=127.0.0.1 OMS_PORT=$port OMS_DATA_DIR="$data_dir/oms" OMS_DURABILITY=$durability OMS_LOG_LEVEL=warn \
  node dist/io/main.js >"$data_dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data_dir"' EXIT
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready" && break; sleep 0.1; done
sleep 3 # let start-up work (the first spare journal segment, compilation) finish
names=$(curl -s "http://127.0.0.1:$port/health/workers" | node -e "
  let s = ''; process.stdin.on('data', (d) => s += d).on('end', () => {
    const h = JSON.parse(s);
    console.log([h.process.io_tid + '=io', ...h.workers.filter((w) => w.os_tid).map((w) => w.os_tid + '=' + w.name)].join(' '));
  });")
# tid, CPU ticks (user + system), context switches (voluntary + not)
sample() {
  for task in /proc/$server/task/*; do
    echo "$(basename "$task") $(awk '{print $14 + $15}' "$task/stat") $(awk '/^(non)?voluntary_ctxt_switches/ {s += $2} END {print s}' "$task/status")"
  done | sort
}
sample >"$data_dir/before"; sleep "$seconds"; sample >"$data_dir/after"
hz=$(getconf CLK_TCK)
echo "idle OMS, durability $durability, ${seconds} s: CPU ms/s and wake-ups/s by thread"
join "$data_dir/before" "$data_dir/after" | NAMES="$names" HZ=$hz S=$seconds awk '
  BEGIN { n = split(ENVIRON["NAMES"], pairs, " "); for (i = 1; i <= n; i++) { split(pairs[i], kv, "="); name[kv[1]] = kv[2] } }
  { k = ($1 in name) ? name[$1] : "other"; cpu[k] += ($4 - $2) * 1000 / ENVIRON["HZ"] / ENVIRON["S"]; wakes[k] += ($5 - $3) / ENVIRON["S"] }
  END { for (k in cpu) { printf "  %-12s %6.1f ms/s %7.1f wake-ups/s\n", k, cpu[k], wakes[k]; tc += cpu[k]; tw += wakes[k] }
        printf "  %-12s %6.1f ms/s %7.1f wake-ups/s\n", "total", tc, tw }'
