#!/usr/bin/env bash
# The benchmark of issue 5, in one command: ./bench/run.sh
#
# On 127.0.0.1 only: an nginx stub answering Partner Center's paths (and the token and JWK set endpoints)
# with fixed bodies, an nginx reverse proxy in front of it as the reference, and the service's jar pointed at
# the stub. wrk drives each after a warm-up and the script prints requests/s, p50 and p99, each service
# figure as a ratio to the proxy's, the time from `java -jar` to readiness and the resident memory after the
# load, then judges the targets (exit 1 when one is missed).
#
# Knobs (environment): WARMUP (s, first warm-up of each service instance, default 60), MEASURE (s, each
# measurement, default 30), CONNECTIONS (default 32), JAVA (default Temurin 25, what the image runs),
# PROFILE=1 records a JFR file of each service instance under bench/out/ for `jfr view hot-methods`,
# EXTRA_JAVA_OPTS adds JVM flags after the image's (to try a change before putting it in the Dockerfile).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out
WARMUP=${WARMUP:-60}
MEASURE=${MEASURE:-30}
CONNECTIONS=${CONNECTIONS:-32}
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
[ -x "$JAVA" ] || JAVA=java
STUB_PORT=18181 PROXY_PORT=18182 APP_PORT=18180 MGMT_PORT=18183
CUSTOMER=0f2d5c61-8c6e-4a55-a8b2-3f9b6c1d2e4a

. "$ROOT/bench/lib.sh"
need nginx nginx
need wrk wrk
need openssl openssl
need curl curl
need python3 python3

prepare $STUB_PORT $PROXY_PORT $APP_PORT $MGMT_PORT

# --- nginx: the stub (Partner Center, Entra ID, JWK set) and the reverse proxy in front of the stub -----------
{
  stub_server $STUB_PORT
  cat <<EOF
  upstream stub { server 127.0.0.1:$STUB_PORT; keepalive 64; }
  server {
    listen 127.0.0.1:$PROXY_PORT;
    location / {
      proxy_pass http://stub;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
EOF
} | start_nginx

# --- the service -----------------------------------------------------------------------------------------------
service() { # $1 name, $2 cache ttl
  start_service "$1" $APP_PORT $MGMT_PORT $STUB_PORT --partner-center.cache.ttl="$2"
}
stop_service() {
  kill "$APP_PID"
  wait "$APP_PID" 2>/dev/null || true
}
check_answer() {
  local answer
  answer=$(curl -s -H "Authorization: Bearer $TOKEN" "$API/purchase-eligibility")
  echo "$answer" | grep -q '"eligible":true' || { echo "the service answered: $answer" >&2; exit 1; }
}

API=http://127.0.0.1:$APP_PORT/api/v1/customers/$CUSTOMER
echo "Benchmark on $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB, $("$JAVA" -version 2>&1 | head -1), wrk -t1 -c$CONNECTIONS"
echo "warm-up ${WARMUP}s per service instance, ${MEASURE}s per measurement; JVM flags: $IMAGE_FLAGS -XX:MaxRAM=768m ${EXTRA_JAVA_OPTS:-}"

PROXY_URL="http://127.0.0.1:$PROXY_PORT/v1/customers/$CUSTOMER/validationStatus?type=account"
echo "nginx reverse proxy (reference), measured first and again last"
load 10 "$PROXY_URL"
load "$MEASURE" "$PROXY_URL" proxy-first

echo "service, cache off (partner-center.cache.ttl=0)"
service uncached 0
READY_UNCACHED=$READY_MS
check_answer
# Both paths warmed before either is measured, so the one measured second does not get a longer warm-up.
load $(( WARMUP / 2 )) "$API/validation-status?type=account"
load $(( WARMUP / 2 )) "$API/purchase-eligibility"
load "$MEASURE" "$API/validation-status?type=account" passthrough
load "$MEASURE" "$API/purchase-eligibility" eligibility
RSS_UNCACHED=$(rss_mb "$APP_PID")
stop_service

echo "service, cache on (partner-center.cache.ttl=30s)"
service cached 30s
READY_CACHED=$READY_MS
check_answer
load "$WARMUP" "$API/purchase-eligibility"
load "$MEASURE" "$API/purchase-eligibility" eligibility-cached
RSS_CACHED=$(rss_mb "$APP_PID")
stop_service

load "$MEASURE" "$PROXY_URL" proxy-last
# The stricter of the two for every ratio: the higher rate and the lower p99, so a disturbed reference run
# cannot flatter the service.
first=${RPS[proxy-first]} last=${RPS[proxy-last]}
RPS[proxy]=$(( first > last ? first : last ))
P99[proxy]=$(awk -v a="${P99[proxy-first]}" -v b="${P99[proxy-last]}" 'BEGIN { print (a < b) ? a : b }')
echo "  reference used: ${RPS[proxy]} req/s, p99 ${P99[proxy]} ms"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
FAILED=0
judge() { # $1 label, $2 value, $3 op, $4 limit
  local ok
  ok=$(awk -v v="$2" -v l="$4" -v op="$3" 'BEGIN { print (op == ">=" ? v >= l : v <= l) ? "ok" : "MISSED" }')
  [ "$ok" = ok ] || FAILED=1
  printf '  %-58s %8s %s %-6s %s\n' "$1" "$2" "$3" "$4" "$ok"
}

echo
echo "Ratios to the nginx proxy"
for name in passthrough eligibility eligibility-cached; do
  printf '  %-34s req/s %5s x   p99 %5s x\n' "$name" "$(ratio "${RPS[$name]}" "${RPS[proxy]}")" "$(ratio "${P99[$name]}" "${P99[proxy]}")"
done
echo "Start and memory"
echo "  java -jar to readiness: ${READY_UNCACHED} ms (cache off), ${READY_CACHED} ms (cache on)"
echo "  resident memory after the load: ${RSS_UNCACHED} MB (cache off), ${RSS_CACHED} MB (cache on)"
echo "Targets"
judge "validation status passed through: req/s vs proxy" "$(ratio "${RPS[passthrough]}" "${RPS[proxy]}")" ">=" 0.35
judge "validation status passed through: p99 vs proxy" "$(ratio "${P99[passthrough]}" "${P99[proxy]}")" "<=" 3
judge "purchase eligibility from the cache: req/s vs proxy" "$(ratio "${RPS[eligibility-cached]}" "${RPS[proxy]}")" ">=" 0.6
judge "resident memory after the load (MB, largest)" "$(( RSS_UNCACHED > RSS_CACHED ? RSS_UNCACHED : RSS_CACHED ))" "<=" 400
[ "$FAILED" = 0 ] && echo "all targets met" || { echo "targets missed"; exit 1; }
