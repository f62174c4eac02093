#!/usr/bin/env bash
# The outside-client check: wrk (Debian package `wrk`) posting small market orders, against
# the bare echo server, the hop echo (the echo with the OMS's thread handoff: each order goes
# through a worker standing where the engine stands, bench/servers/hop_answers.ts) and the
# OMS, each started here on a free loopback port.
#   bench/wrk/outside_client.sh echo|hop-echo|fsync|write|none [connections] [seconds]
# Needs `make build` first. Prints wrk's summary; a valid run shows no "Non-2xx" line.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${1:?echo, hop-echo, fsync, write or none}
connections=${2:-16}
seconds=${3:-10}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
data_dir=$(mktemp -d)
if [ "$target" = echo ]; then
  OMS_HOST=127.0.0.1 OMS_PORT=$port node dist/bench/servers/echo_server.js >"$data_dir/server.log" 2>&1 &
elif [ "$target" = hop-echo ]; then
  OMS_HOST=127.0.0.1 OMS_PORT=$port ECHO_HOP=1 node dist/bench/servers/echo_server.js >"$data_dir/server.log" 2>&1 &
else
  OMS_HOST=127.0.0.1 OMS_PORT=$port OMS_DATA_DIR="$data_dir/oms" OMS_DURABILITY=$target OMS_LOG_LEVEL=warn \
    node dist/io/main.js >"$data_dir/server.log" 2>&1 &
fi
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data_dir"' EXIT
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready" && break; sleep 0.1; done
# The simulated market publishes its first marks shortly after start; a market order
# before them is refused (NO_REFERENCE_PRICE). Wait for a price.
if [ "$target" != echo ] && [ "$target" != hop-echo ]; then
  for _ in $(seq 1 100); do curl -s "http://127.0.0.1:$port/tickers" | grep -q '"last_price":[0-9]' && break; sleep 0.1; done
fi
echo "wrk -t1 -c$connections -d${seconds}s against $target on port $port"
wrk -t1 -c"$connections" -d"${seconds}s" -s bench/wrk/market_order.lua "http://127.0.0.1:$port"
