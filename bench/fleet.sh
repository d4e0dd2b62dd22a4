#!/usr/bin/env bash
# The fleet figure of issue 11, in one command: ./bench/fleet.sh
#
# On 127.0.0.1 only: three replicas of the service's jar (fleet mode) on one redis-server, against the nginx
# stub of run.sh, which logs every validation status call it receives. It prints:
#  - upstream calls per customer per TTL: the three replicas ask about the same new customers at the same
#    moment, over and over; the stub's log says how often each customer reached Partner Center (target: 1);
#  - what a Redis hit adds over an in-process hit: replica B asks about customers only replica A asked about
#    (each answer from Redis), then asks about them again (each from B's own memory); p50 and p99 of both.
#
# Knobs (environment): WARMUP (s, default 30), MEASURE (s, each measurement, default 15), CONNECTIONS (per
# replica, default 8), JAVA (default Temurin 25).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out-fleet
WARMUP=${WARMUP:-30}
MEASURE=${MEASURE:-15}
CONNECTIONS=${CONNECTIONS:-8}
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
[ -x "$JAVA" ] || JAVA=java
STUB_PORT=18281 REDIS_PORT=18282
APP_PORTS=(18290 18292 18294) MGMT_PORTS=(18291 18293 18295)

. "$ROOT/bench/lib.sh"
need redis-server redis-server

prepare $STUB_PORT $REDIS_PORT "${APP_PORTS[@]}" "${MGMT_PORTS[@]}"
stub_server $STUB_PORT "$OUT/upstream.log" | start_nginx

redis-server --port $REDIS_PORT --bind 127.0.0.1 --save '' --appendonly no >"$OUT/redis.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do redis-cli -p $REDIS_PORT ping >/dev/null 2>&1 && break; sleep 0.05; done

KEY=$(openssl rand -base64 32)
for i in 0 1 2; do
  start_service "replica-$i" "${APP_PORTS[$i]}" "${MGMT_PORTS[$i]}" $STUB_PORT \
    --spring.data.redis.url=redis://127.0.0.1:$REDIS_PORT --partner-center.fleet.token-key="$KEY" \
    --partner-center.cache.ttl=300s
  echo "replica $i ready in ${READY_MS} ms"
done

# Each connection asks about new customers, one after another, the same sequence on every replica: the
# replicas miss on the same customer at about the same moment.
walk() { # $1 first customer number, $2 script file
  cat >"$2" <<LUA
local n = $1
request = function()
  n = n + 1
  return wrk.format("GET", string.format("/api/v1/customers/c0ffee00-0000-4000-8000-%012d/validation-status", n))
end
LUA
}
api() { echo "http://127.0.0.1:${APP_PORTS[$1]}"; }

echo "Fleet benchmark on $(nproc) cores, $("$JAVA" -version 2>&1 | head -1): 3 replicas, one redis-server 7"
echo "warm-up ${WARMUP}s (every replica, new customers), then ${MEASURE}s per measurement"
walk 0 "$OUT/warm.lua"
together() { # $1 seconds, $2 script, $3 name (each replica's figure as name-i), all three at once
  local loads=()
  for i in 0 1 2; do
    load "$1" "$(api $i)" "${3:+$3-$i}" "$2" &
    loads+=($!)
  done
  wait "${loads[@]}"
}
together "$WARMUP" "$OUT/warm.lua" ""

echo "upstream calls per customer per TTL (the three replicas together, the same customers at once)"
: >"$OUT/upstream.log"
walk 1000000 "$OUT/together.lua"
together "$MEASURE" "$OUT/together.lua" together
python3 - "$OUT/upstream.log" <<'PY'
import collections, sys
calls = collections.Counter(line.split()[0] for line in open(sys.argv[1]) if "/v1/customers/" in line)
if not calls:
    sys.exit("no upstream calls were logged")
per = collections.Counter(calls.values())
print(f"  {len(calls)} customers, each asked on all three replicas: "
      + ", ".join(f"{n} customer(s) reached Partner Center {k} time(s)" for k, n in sorted(per.items())))
print(f"  upstream calls per customer per TTL: max {max(calls.values())}, mean {sum(calls.values()) / len(calls):.3f}"
      + ("  (target exactly 1: met)" if set(calls.values()) == {1} else "  (target exactly 1: MISSED)"))
open(sys.argv[1] + ".verdict", "w").write("ok" if set(calls.values()) == {1} else "missed")
PY

echo "a Redis hit against an in-process hit (replica B, customers only replica A asked about)"
walk 2000000 "$OUT/a.lua"
load $(( MEASURE * 4 )) "$(api 0)" "asked-on-A" "$OUT/a.lua"
walk 2000000 "$OUT/b.lua"
load "$MEASURE" "$(api 1)" "redis-hit" "$OUT/b.lua"
asked_on_a=$(awk '/requests in/ { print $1 }' "$OUT/asked-on-A.wrk")
asked_on_b=$(awk '/requests in/ { print $1 }' "$OUT/redis-hit.wrk")
if [ "$asked_on_b" -gt "$asked_on_a" ]; then
  echo "  B asked about more customers ($asked_on_b) than A had ($asked_on_a): not every answer was a Redis hit" >&2
  exit 1
fi
# Again B, over the customers it has just asked about, round and round: every answer from its own memory.
cat >"$OUT/again.lua" <<LUA
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", string.format("/api/v1/customers/c0ffee00-0000-4000-8000-%012d/validation-status",
    2000000 + 1 + (i % $asked_on_b)))
end
LUA
load "$MEASURE" "$(api 1)" "in-process-hit" "$OUT/again.lua"
printf '  a Redis hit adds  p50 %+.2f ms  p99 %+.2f ms  over an in-process hit\n' \
  "$(awk -v a="${P50[redis-hit]}" -v b="${P50[in-process-hit]}" 'BEGIN { print a - b }')" \
  "$(awk -v a="${P99[redis-hit]}" -v b="${P99[in-process-hit]}" 'BEGIN { print a - b }')"
[ "$(cat "$OUT/upstream.log.verdict")" = ok ] || exit 1
