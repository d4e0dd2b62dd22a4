#!/usr/bin/env bash
# The fleet figures, in one command: ./bench/fleet.sh
#
# On 127.0.0.1 only: three replicas of the service's jar (fleet mode) against the nginx stub of run.sh, which
# logs every validation status call it receives, on each Redis topology operators run (TOPOLOGIES, default
# "standalone sentinel cluster": one redis-server; a master, a replica and three sentinels; three cluster
# masters). For each it prints:
#  - upstream calls per customer per TTL: the three replicas ask about the same new customers at the same
#    moment, over and over; the stub's log says how often each customer reached Partner Center (target: 1);
#  - what a Redis hit adds over an in-process hit: replica B asks about customers only replica A asked about
#    (each answer from Redis), then asks about them again (each from B's own memory); p50 and p99 of both;
#  - Sentinel only: the master killed while the three replicas serve new customers: how long the sentinels
#    took, the answers other than 200 (target: none), and how long the slowest request waited.
#
# Knobs (environment): WARMUP (s, default 30), MEASURE (s, each measurement, default 15), CONNECTIONS (per
# replica, default 8), TOPOLOGIES, JAVA (default Temurin 25).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out-fleet
WARMUP=${WARMUP:-30}
MEASURE=${MEASURE:-15}
CONNECTIONS=${CONNECTIONS:-8}
TOPOLOGIES=${TOPOLOGIES:-standalone sentinel cluster}
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
[ -x "$JAVA" ] || JAVA=java
STUB_PORT=18281 REDIS_PORT=18282
SENTINEL_DATA=(18300 18301) SENTINELS=(18302 18303 18304)
CLUSTER_PORTS=(18310 18311 18312) # bus ports 28310-28312
APP_PORTS=(18290 18292 18294) MGMT_PORTS=(18291 18293 18295)

. "$ROOT/bench/lib.sh"
need redis-server redis-server

prepare $STUB_PORT $REDIS_PORT "${SENTINEL_DATA[@]}" "${SENTINELS[@]}" "${CLUSTER_PORTS[@]}" \
  "${APP_PORTS[@]}" "${MGMT_PORTS[@]}"
stub_server $STUB_PORT "$OUT/upstream.log" | start_nginx
KEY=$(openssl rand -base64 32)

redis_node() { # $1 port, then redis-server arguments; waits until it answers
  local port=$1
  shift
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$OUT" "$@" \
    >"$OUT/redis-$port.log" 2>&1 &
  PIDS+=($!)
  REDIS_PIDS+=($!)
  for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && return; sleep 0.05; done
  echo "redis-server on $port did not start" >&2
  exit 1
}

start_redis() { # $1 topology; sets REDIS_ARGS, the replicas' Spring Boot properties
  REDIS_PIDS=()
  case $1 in
    standalone)
      redis_node $REDIS_PORT
      REDIS_ARGS=(--spring.data.redis.url=redis://127.0.0.1:$REDIS_PORT) ;;
    sentinel)
      redis_node "${SENTINEL_DATA[0]}"
      redis_node "${SENTINEL_DATA[1]}" --replicaof 127.0.0.1 "${SENTINEL_DATA[0]}"
      local nodes=()
      for port in "${SENTINELS[@]}"; do
        printf 'port %s\nbind 127.0.0.1\ndir %s\nsentinel monitor mymaster 127.0.0.1 %s 2\nsentinel down-after-milliseconds mymaster 1000\nsentinel failover-timeout mymaster 5000\n' \
          "$port" "$OUT" "${SENTINEL_DATA[0]}" >"$OUT/sentinel-$port.conf"
        redis-server "$OUT/sentinel-$port.conf" --sentinel >"$OUT/sentinel-$port.log" 2>&1 &
        PIDS+=($!)
        REDIS_PIDS+=($!)
        nodes+=("127.0.0.1:$port")
      done
      for _ in $(seq 1 200); do
        redis-cli -p "${SENTINELS[0]}" sentinel master mymaster 2>/dev/null | grep -A1 -x num-other-sentinels \
          | tail -1 | grep -qx 2 && break
        sleep 0.1
      done
      REDIS_ARGS=(--spring.data.redis.sentinel.master=mymaster
        --spring.data.redis.sentinel.nodes="$(IFS=,; echo "${nodes[*]}")") ;;
    cluster)
      local nodes=()
      for port in "${CLUSTER_PORTS[@]}"; do
        rm -f "$OUT/nodes-$port.conf"
        redis_node "$port" --cluster-enabled yes --cluster-config-file "nodes-$port.conf"
        nodes+=("127.0.0.1:$port")
      done
      redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$OUT/cluster-create.log"
      for _ in $(seq 1 200); do
        redis-cli -p "${CLUSTER_PORTS[0]}" cluster info | grep -q cluster_state:ok && break
        sleep 0.1
      done
      REDIS_ARGS=(--spring.data.redis.cluster.nodes="$(IFS=,; echo "${nodes[*]}")") ;;
  esac
}

stop_all() { # the replicas and the Redis of one topology
  for pid in "${REPLICA_PIDS[@]}" "${REDIS_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${REPLICA_PIDS[@]}" "${REDIS_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}

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

walk 0 "$OUT/warm.lua"
together() { # $1 seconds, $2 script, $3 name (each replica's figure as name-i), all three at once
  local loads=()
  for i in 0 1 2; do
    load "$1" "$(api $i)" "${3:+$3-$i}" "$2" &
    loads+=($!)
  done
  wait "${loads[@]}"
}

measure() { # $1 topology: the replicas started on it, warmed up, measured
  REPLICA_PIDS=()
  for i in 0 1 2; do
    start_service "$1-replica-$i" "${APP_PORTS[$i]}" "${MGMT_PORTS[$i]}" $STUB_PORT "${REDIS_ARGS[@]}" \
      --partner-center.fleet.token-key="$KEY" --partner-center.cache.ttl=300s
    REPLICA_PIDS+=("$APP_PID")
    grep -o "fleet mode on: .*" "$OUT/$1-replica-$i.log" | head -1 | sed "s/^/  replica $i ready in ${READY_MS} ms, /"
  done
  walk $(( BASE )) "$OUT/warm.lua"
  together "$WARMUP" "$OUT/warm.lua" ""

echo "upstream calls per customer per TTL (the three replicas together, the same customers at once)"
: >"$OUT/upstream.log"
walk $(( BASE + 1000000 )) "$OUT/together.lua"
together "$MEASURE" "$OUT/together.lua" "$1-together"
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
walk $(( BASE + 2000000 )) "$OUT/a.lua"
load $(( MEASURE * 4 )) "$(api 0)" "$1-asked-on-A" "$OUT/a.lua"
walk $(( BASE + 2000000 )) "$OUT/b.lua"
load "$MEASURE" "$(api 1)" "$1-redis-hit" "$OUT/b.lua"
asked_on_a=$(awk '/requests in/ { print $1 }' "$OUT/$1-asked-on-A.wrk")
asked_on_b=$(awk '/requests in/ { print $1 }' "$OUT/$1-redis-hit.wrk")
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
    $BASE + 2000000 + 1 + (i % $asked_on_b)))
end
LUA
load "$MEASURE" "$(api 1)" "$1-in-process-hit" "$OUT/again.lua"
printf '  a Redis hit adds  p50 %+.2f ms  p99 %+.2f ms  over an in-process hit\n' \
  "$(awk -v a="${P50[$1-redis-hit]}" -v b="${P50[$1-in-process-hit]}" 'BEGIN { print a - b }')" \
  "$(awk -v a="${P99[$1-redis-hit]}" -v b="${P99[$1-in-process-hit]}" 'BEGIN { print a - b }')"
[ "$(cat "$OUT/upstream.log.verdict")" = ok ] || VERDICT=missed
[ "$1" = sentinel ] && failover
stop_all
}

# The master killed while the three replicas serve new customers; wrk's answers other than 200 and its slowest.
failover() {
  echo "the Sentinel master killed under load"
  walk $(( BASE + 3000000 )) "$OUT/failover.lua"
  local outs=()
  for i in 0 1 2; do
    wrk -t1 -c"$CONNECTIONS" -d"$MEASURE"s --latency -s "$OUT/failover.lua" -H "Authorization: Bearer $TOKEN" \
      "$(api $i)" >"$OUT/failover-$i.wrk" &
    outs+=($!)
  done
  sleep $(( MEASURE / 3 ))
  local master started
  master=$(redis-cli -p "${SENTINELS[0]}" sentinel get-master-addr-by-name mymaster | tail -1)
  started=$(date +%s%3N)
  for j in 0 1; do [ "${SENTINEL_DATA[$j]}" = "$master" ] && kill -9 "${REDIS_PIDS[$j]}"; done
  until [ "$(redis-cli -p "${SENTINELS[0]}" sentinel get-master-addr-by-name mymaster | tail -1)" != "$master" ]; do
    sleep 0.05
  done
  echo "  the sentinels promoted the replica in $(( $(date +%s%3N) - started )) ms"
  wait "${outs[@]}"
  local wrong=0 slowest=0
  for i in 0 1 2; do
    wrong=$(( wrong + $(awk 'BEGIN { n = 0 } /Non-2xx/ { n += $5 } /Socket errors/ { n += $NF } END { print n }' \
      "$OUT/failover-$i.wrk") ))
    slowest=$(awk -v s="$slowest" -v m="$(to_ms "$(awk '/Latency/ && !/Distribution/ { print $4; exit }' "$OUT/failover-$i.wrk")")" \
      'BEGIN { print (m > s ? m : s) }')
  done
  echo "  answers other than 200 (and timeouts) during the failover: $wrong (target 0); the slowest request waited $slowest ms"
  [ "$wrong" = 0 ] || VERDICT=missed
}

echo "Fleet benchmark on $(nproc) cores, $("$JAVA" -version 2>&1 | head -1): 3 replicas on each of: $TOPOLOGIES"
echo "warm-up ${WARMUP}s (every replica, new customers), then ${MEASURE}s per measurement"
VERDICT=ok
BASE=0
for topology in $TOPOLOGIES; do
  echo "== $topology"
  start_redis "$topology"
  measure "$topology"
  BASE=$(( BASE + 10000000 ))
done
[ "$VERDICT" = ok ]

