#!/usr/bin/env bash
# The soak of issue 30: streams of customer events opening and closing for a few minutes, and the service's
# threads, heap (after a full GC) and file descriptors sampled meanwhile. ./bench/watch-soak.sh
#
# On 127.0.0.1 only: the nginx stub of bench/run.sh as Partner Center (and the token and JWK set endpoints), the
# service's jar on the image's JVM and flags (virtual threads), and curl as portals: STREAMS streams open at once,
# each for 1 to 5 s on 5 of 200 customers, a new one started as each ends, for DURATION seconds. Readings every
# 2 s (partner-center.watch.interval), so the watch works all along. Prints a sample every SAMPLE seconds and the
# first and last samples side by side; judges nothing (the figures are in docs/performance.md).
#
# Knobs (environment): DURATION (s, default 180), STREAMS (default 50), SAMPLE (s, default 15), JAVA (default
# Temurin 25).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out
DURATION=${DURATION:-180}
STREAMS=${STREAMS:-50}
SAMPLE=${SAMPLE:-15}
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
[ -x "$JAVA" ] || JAVA=java
JCMD=$(dirname "$JAVA")/jcmd
STUB_PORT=18191 APP_PORT=18190 MGMT_PORT=18193

. "$ROOT/bench/lib.sh"
prepare $STUB_PORT $APP_PORT $MGMT_PORT # builds the jar (JAR) and a portal's token (TOKEN)
{ stub_server $STUB_PORT; } | start_nginx
start_java service "$ROOT" "-jar $JAR" $APP_PORT $MGMT_PORT $STUB_PORT --partner-center.watch.interval=2s

CUSTOMERS=()
for n in $(seq 1 200); do CUSTOMERS+=("$(printf 'c0ffee00-0000-4000-8000-%012d' "$n")"); done
portal() { # one stream after the other, until the soak ends
  while [ "$(date +%s)" -lt "$END" ]; do
    local query="" i
    for i in 1 2 3 4 5; do query+="customerId=${CUSTOMERS[$((RANDOM % 200))]}&"; done
    curl -sN -o /dev/null --max-time $((RANDOM % 5 + 1)) -H "Authorization: Bearer $TOKEN" \
      "http://127.0.0.1:$APP_PORT/api/v1/customer-events?${query%&}" || true
  done
}
metric() { # the value of a metric without tags beyond the application's
  curl -s "http://127.0.0.1:$MGMT_PORT/actuator/prometheus" | awk -v name="$1" '$1 ~ "^"name"({|$)" { print $2; exit }'
}
sample() {
  "$JCMD" "$APP_PID" GC.run >/dev/null
  local heap
  heap=$(curl -s "http://127.0.0.1:$MGMT_PORT/actuator/prometheus" \
    | awk '/^jvm_memory_used_bytes\{.*area="heap"/ { sum += $NF } END { printf "%.1f", sum / 1048576 }')
  printf '%6s s  threads %4s  heap after GC %6s MB  file descriptors %5s  streams %4s  watched %4s  readings %7s\n' \
    "$1" "$(awk '/^Threads:/ { print $2 }' "/proc/$APP_PID/status")" "$heap" "$(ls "/proc/$APP_PID/fd" | wc -l)" \
    "$(metric partner_center_watch_streams)" "$(metric partner_center_watched_customers)" \
    "$(curl -s "http://127.0.0.1:$MGMT_PORT/actuator/prometheus" \
      | awk '/^partner_center_watch_readings_total/ { sum += $2 } END { print sum }')"
}

echo "Soak on $(nproc) cores: $STREAMS streams at once, each 1 to 5 s on 5 of 200 customers, for $DURATION s"
sample 0 | tee "$OUT/samples.txt"
END=$(( $(date +%s) + DURATION ))
PORTALS=()
for _ in $(seq 1 "$STREAMS"); do portal & PORTALS+=($!); done
START=$(date +%s)
while [ "$(date +%s)" -lt "$END" ]; do
  sleep "$SAMPLE"
  sample $(( $(date +%s) - START )) | tee -a "$OUT/samples.txt"
done
wait "${PORTALS[@]}"
sleep 5 # the last streams' ends seen at their next keep-alive (1 s at this interval)
sample "after" | tee -a "$OUT/samples.txt"
echo "first sample under load and the last:"
sed -n '2p;$p' "$OUT/samples.txt"
