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

need() { command -v "$1" >/dev/null || { echo "installing $2" >&2; apt-get install -y -qq "$2" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }; }
need nginx nginx
need wrk wrk
need openssl openssl
need curl curl
need python3 python3

# A run killed before its cleanup leaves nginx behind; anything else on the ports would be measured instead.
[ -f "$OUT/nginx/nginx.pid" ] && kill "$(cat "$OUT/nginx/nginx.pid")" 2>/dev/null && sleep 1
for port in $STUB_PORT $PROXY_PORT $APP_PORT $MGMT_PORT; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "127.0.0.1:$port is in use; stop what listens there (an earlier run?) and try again" >&2
    exit 1
  fi
done
rm -rf "$OUT"
mkdir -p "$OUT/nginx"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$OUT/nginx/nginx.pid" ] && kill "$(cat "$OUT/nginx/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

# Always the code as it is now, not a jar left from an earlier build.
./mvnw -B -q -DskipTests package
JAR=$(ls "$ROOT"/target/partner-center-bff-*.jar | head -1)

# --- A portal's token: RS256, signed by a key whose public half the stub serves as the JWK set ---------------
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$OUT/key.pem" 2>/dev/null
python3 - "$OUT" <<'PY'
import base64, json, subprocess, sys, time
out = sys.argv[1]
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
modulus = subprocess.check_output(["openssl", "rsa", "-in", f"{out}/key.pem", "-noout", "-modulus"]).decode()
n = bytes.fromhex(modulus.strip().split("=", 1)[1])
json.dump({"keys": [{"kty": "RSA", "kid": "bench", "use": "sig", "alg": "RS256",
                     "n": b64(n), "e": b64((65537).to_bytes(3, "big"))}]}, open(f"{out}/jwks.json", "w"))
now = int(time.time())
header = b64(json.dumps({"alg": "RS256", "kid": "bench", "typ": "JWT"}).encode())
claims = b64(json.dumps({"iss": "https://bench.invalid/portal", "sub": "portal", "aud": "api://partner-center-bff",
                         "scp": "partner-center.read", "iat": now, "nbf": now, "exp": now + 7200}).encode())
signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", f"{out}/key.pem"],
                           input=f"{header}.{claims}".encode(), capture_output=True, check=True).stdout
open(f"{out}/token", "w").write(f"{header}.{claims}.{b64(signature)}")
PY
TOKEN=$(cat "$OUT/token")
# Inline in nginx's configuration: its workers may not read files under the repository (a private home).
JWKS=$(cat "$OUT/jwks.json")

# --- nginx: the stub (Partner Center, Entra ID, JWK set) and the reverse proxy in front of the stub -----------
cat >"$OUT/nginx/nginx.conf" <<EOF
# As many workers as cores, for the stub and the proxy alike: the reference gets the machine the JVM gets.
worker_processes auto;
pid $OUT/nginx/nginx.pid;
error_log $OUT/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  default_type application/json;
  client_body_temp_path $OUT/nginx/body;
  proxy_temp_path $OUT/nginx/proxy;
  fastcgi_temp_path $OUT/nginx/fastcgi;
  uwsgi_temp_path $OUT/nginx/uwsgi;
  scgi_temp_path $OUT/nginx/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$STUB_PORT;
    location ~ ^/v1/customers/[^/]+/validationStatus\$ {
      return 200 '{"type":"account","status":"Allowed","lastUpdateDateTime":"2026-11-01T10:00:00Z"}';
    }
    location ~ ^/v1/customers/[^/]+/qualifications\$ {
      return 200 '[{"qualification":"Education","vettingStatus":"Approved"}]';
    }
    location ~ ^/v1/customers/[^/]+/qualification\$ { return 200 '"education"'; }
    location = /v1/customers/all/validations {
      return 200 '[{"validationId":"bench","organizationName":"Contoso","partnerId":"1","maxCreates":5,"remainingCreates":5}]';
    }
    location = /token {
      return 200 '{"token_type":"Bearer","expires_in":3600,"access_token":"bench-access-token","refresh_token":"bench-refresh-token"}';
    }
    location = /jwks { return 200 '$JWKS'; }
  }
  upstream stub { server 127.0.0.1:$STUB_PORT; keepalive 64; }
  server {
    listen 127.0.0.1:$PROXY_PORT;
    location / {
      proxy_pass http://stub;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
EOF
nginx -c "$OUT/nginx/nginx.conf"

# --- the service -----------------------------------------------------------------------------------------------
# The image's default flags (Dockerfile JAVA_TOOL_OPTIONS) under the Helm chart's 768 MiB memory limit, which
# -XX:MaxRAM stands in for outside a container.
IMAGE_FLAGS=$(sed -n 's/.*JAVA_TOOL_OPTIONS="\([^"]*\)".*/\1/p' Dockerfile)
START_MS=0
start_service() { # $1 name, $2 cache ttl
  local jfr=()
  [ "${PROFILE:-0}" = 1 ] && jfr=("-XX:StartFlightRecording=filename=$OUT/$1.jfr,settings=profile")
  START_MS=$(date +%s%3N)
  # shellcheck disable=SC2086
  "$JAVA" $IMAGE_FLAGS -XX:MaxRAM=768m ${EXTRA_JAVA_OPTS:-} "${jfr[@]}" -jar "$JAR" \
    --server.port=$APP_PORT --management.server.port=$MGMT_PORT \
    --partner-center.base-url=http://127.0.0.1:$STUB_PORT \
    --partner-center.auth.tenant-id=bench --partner-center.auth.client-id=bench \
    --partner-center.auth.client-secret=bench-secret --partner-center.auth.refresh-token=bench-refresh-token \
    --partner-center.auth.token-uri=http://127.0.0.1:$STUB_PORT/token \
    --spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:$STUB_PORT/jwks \
    --partner-center.cache.ttl="$2" >"$OUT/$1.log" 2>&1 &
  APP_PID=$!
  PIDS+=("$APP_PID")
  for _ in $(seq 1 600); do
    if kill -0 "$APP_PID" 2>/dev/null && curl -sf -o /dev/null "http://127.0.0.1:$MGMT_PORT/actuator/health/readiness"; then
      READY_MS=$(( $(date +%s%3N) - START_MS ))
      return
    fi
    kill -0 "$APP_PID" 2>/dev/null || { cat "$OUT/$1.log"; exit 1; }
    sleep 0.05
  done
  echo "the service did not become ready" >&2
  exit 1
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
rss_mb() { echo $(( $(ps -o rss= -p "$APP_PID") / 1024 )); }

# --- wrk ---------------------------------------------------------------------------------------------------------
declare -A RPS P50 P99
to_ms() { # wrk prints 812.00us, 1.20ms or 1.02s
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
load() { # $1 seconds, $2 url, [$3 name to record]
  local result
  result=$(wrk -t1 -c"$CONNECTIONS" -d"$1"s --latency -H "Authorization: Bearer $TOKEN" "$2")
  [ -n "${3:-}" ] || return 0
  echo "$result" >"$OUT/$3.wrk"
  if echo "$result" | grep -q "Non-2xx\|Socket errors"; then
    echo "$3: wrong answers under load:" >&2
    echo "$result" >&2
    exit 1
  fi
  RPS[$3]=$(echo "$result" | awk '/Requests\/sec/ { printf "%.0f", $2 }')
  P50[$3]=$(to_ms "$(echo "$result" | awk '$1 == "50%" { print $2 }')")
  P99[$3]=$(to_ms "$(echo "$result" | awk '$1 == "99%" { print $2 }')")
  printf '  %-34s %8s req/s  p50 %7s ms  p99 %7s ms\n' "$3" "${RPS[$3]}" "${P50[$3]}" "${P99[$3]}"
}

API=http://127.0.0.1:$APP_PORT/api/v1/customers/$CUSTOMER
echo "Benchmark on $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB, $("$JAVA" -version 2>&1 | head -1), wrk -t1 -c$CONNECTIONS"
echo "warm-up ${WARMUP}s per service instance, ${MEASURE}s per measurement; JVM flags: $IMAGE_FLAGS -XX:MaxRAM=768m ${EXTRA_JAVA_OPTS:-}"

PROXY_URL="http://127.0.0.1:$PROXY_PORT/v1/customers/$CUSTOMER/validationStatus?type=account"
echo "nginx reverse proxy (reference), measured first and again last"
load 10 "$PROXY_URL"
load "$MEASURE" "$PROXY_URL" proxy-first

echo "service, cache off (partner-center.cache.ttl=0)"
start_service uncached 0
READY_UNCACHED=$READY_MS
check_answer
# Both paths warmed before either is measured, so the one measured second does not get a longer warm-up.
load $(( WARMUP / 2 )) "$API/validation-status?type=account"
load $(( WARMUP / 2 )) "$API/purchase-eligibility"
load "$MEASURE" "$API/validation-status?type=account" passthrough
load "$MEASURE" "$API/purchase-eligibility" eligibility
RSS_UNCACHED=$(rss_mb)
stop_service

echo "service, cache on (partner-center.cache.ttl=30s)"
start_service cached 30s
READY_CACHED=$READY_MS
check_answer
load "$WARMUP" "$API/purchase-eligibility"
load "$MEASURE" "$API/purchase-eligibility" eligibility-cached
RSS_CACHED=$(rss_mb)
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
