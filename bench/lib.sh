#!/usr/bin/env bash
# What the benchmarks share: tools, a portal's RS256 token, the nginx stub of Partner Center and Entra ID (with
# the JWK set), the service's jar started against it, and wrk. Sourced by run.sh and fleet.sh; expects ROOT and
# OUT set.

need() { command -v "$1" >/dev/null || { echo "installing $2" >&2; apt-get install -y -qq "$2" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }; }

ports_free() { # every port given must be free: anything listening there would be measured instead
  for port in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "127.0.0.1:$port is in use; stop what listens there (an earlier run?) and try again" >&2
      exit 1
    fi
  done
}

# A portal's token: RS256, signed by a key whose public half the stub serves as the JWK set. Sets TOKEN and JWKS.
make_token() {
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
}

# A fresh run: the tools every benchmark needs (installed from Debian when missing), nginx left by a run killed
# before its cleanup stopped, the ports given free, an empty $OUT, the jar rebuilt (always the code as it is
# now, not one left from an earlier build; sets JAR), the portal's token made, and whatever the run starts
# (nginx, PIDS) stopped when it ends.
prepare() {
  need nginx nginx
  need wrk wrk
  need openssl openssl
  need curl curl
  need python3 python3
  [ -f "$OUT/nginx/nginx.pid" ] && kill "$(cat "$OUT/nginx/nginx.pid")" 2>/dev/null && sleep 1
  ports_free "$@"
  rm -rf "$OUT"
  mkdir -p "$OUT"
  PIDS=()
  CONTAINERS=()
  trap cleanup EXIT INT TERM
  "$ROOT/mvnw" -B -q -f "$ROOT/pom.xml" -DskipTests package
  JAR=$(ls "$ROOT"/target/partner-center-bff-*.jar | head -1)
  make_token
}

cleanup() {
  for container in "${CONTAINERS[@]}"; do docker rm -f "$container" >/dev/null 2>&1 || true; done
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  stop_nginx
  wait 2>/dev/null || true
}

# The stub's server block: Partner Center's paths, Entra ID's token endpoint and the JWK set, fixed bodies.
# $1 port; $2 (optional) an access log of the validation status calls, to count them.
stub_server() {
  local log="access_log off;"
  [ -n "${2:-}" ] && log="access_log $2 upstream;"
  cat <<EOF
  server {
    listen 127.0.0.1:$1;
    location ~ ^/v1/customers/[^/]+/validationStatus\$ {
      $log
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
EOF
}

# nginx's http block around the servers given on stdin.
start_nginx() {
  mkdir -p "$OUT/nginx"
  {
    cat <<EOF
# As many workers as cores, for the stub and the proxy alike: the reference gets the machine the JVM gets.
worker_processes auto;
pid $OUT/nginx/nginx.pid;
error_log $OUT/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  log_format upstream '\$uri \$msec \$http_ms_correlationid';
  default_type application/json;
  client_body_temp_path $OUT/nginx/body;
  proxy_temp_path $OUT/nginx/proxy;
  fastcgi_temp_path $OUT/nginx/fastcgi;
  uwsgi_temp_path $OUT/nginx/uwsgi;
  scgi_temp_path $OUT/nginx/scgi;
  keepalive_requests 1000000;
EOF
    cat
    echo "}"
  } >"$OUT/nginx/nginx.conf"
  nginx -c "$OUT/nginx/nginx.conf"
}

stop_nginx() {
  [ -f "$OUT/nginx/nginx.pid" ] && kill "$(cat "$OUT/nginx/nginx.pid")" 2>/dev/null || true
}

# The image's default flags (Dockerfile JAVA_TOOL_OPTIONS) under the Helm chart's 768 MiB memory limit, which
# -XX:MaxRAM stands in for outside a container.
IMAGE_FLAGS=$(sed -n 's/.*JAVA_TOOL_OPTIONS="\([^"]*\)".*/\1/p' "$ROOT/Dockerfile")

# What the service needs to run against the stub: $1 API port, $2 management port, $3 stub port.
service_args() {
  echo --server.port="$1" --management.server.port="$2" \
    --partner-center.base-url=http://127.0.0.1:"$3" \
    --partner-center.auth.tenant-id=bench --partner-center.auth.client-id=bench \
    --partner-center.auth.client-secret=bench-secret --partner-center.auth.refresh-token=bench-refresh-token \
    --partner-center.auth.token-uri=http://127.0.0.1:"$3"/token \
    --spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:"$3"/jwks
}

# Waits until $2 (a management port) reports readiness, failing if process $1 exits first; sets READY_MS from
# $3, the start in epoch ms.
await_ready() {
  for _ in $(seq 1 1200); do
    if curl -sf -o /dev/null "http://127.0.0.1:$2/actuator/health/readiness"; then
      READY_MS=$(( $(date +%s%3N) - $3 ))
      return
    fi
    kill -0 "$1" 2>/dev/null || return 1
    sleep 0.02
  done
  echo "not ready after a minute" >&2
  return 1
}

# Starts the service against the stub with the image's flags, under -XX:MaxRAM for the chart's limit, and waits
# for readiness: $1 name, $2 directory, $3 how to launch it (java's arguments after the flags), $4 API port,
# $5 management port, $6 stub port, then any further arguments for the service. Sets APP_PID and READY_MS.
start_java() {
  local name=$1 directory=$2 launch=$3 port=$4 management=$5 stub=$6
  shift 6
  local jfr=()
  [ "${PROFILE:-0}" = 1 ] && jfr=("-XX:StartFlightRecording=filename=$OUT/$name.jfr,settings=profile")
  local started
  started=$(date +%s%3N)
  # shellcheck disable=SC2086,SC2046
  (cd "$directory" && exec "$JAVA" $IMAGE_FLAGS -XX:MaxRAM=768m ${EXTRA_JAVA_OPTS:-} "${jfr[@]}" $launch \
    $(service_args "$port" "$management" "$stub") "$@" >"$OUT/$name.log" 2>&1) &
  APP_PID=$!
  PIDS+=("$APP_PID")
  await_ready "$APP_PID" "$management" "$started" || { cat "$OUT/$name.log"; exit 1; }
}

# The jar: $1 name, $2 API port, $3 management port, $4 stub port, then further arguments for the service.
start_service() {
  local name=$1
  shift
  start_java "$name" "$ROOT" "-jar $JAR" "$@"
}

# --- the image -------------------------------------------------------------------------------------------------
# Builds the Dockerfile as the image test does (on the stand-in base image when no registry is reachable), with
# the jar prepare built. Needs a Docker engine; starts one when none answers.
IMAGE=partner-center-bff:bench
build_image() {
  bash "$ROOT/src/test/docker/docker-engine.sh"
  bash "$ROOT/src/test/docker/base-image-stand-in.sh"
  DOCKER_BUILDKIT=0 docker build --network host -t "$IMAGE" "$ROOT" >"$OUT/image-build.log" 2>&1 \
    || { cat "$OUT/image-build.log"; exit 1; }
}

# The image's own files (/app) and entrypoint, to run them on this host: sets IMAGE_APP and IMAGE_COMMAND (the
# entrypoint's arguments after `java`). The JVM must be the image's (the stand-in base image is this machine's
# Temurin 25): start_image fails when the JVM refuses the image's AOT cache.
extract_image() {
  IMAGE_APP=$OUT/image-app
  rm -rf "$IMAGE_APP"
  local container
  container=$(docker create "$IMAGE")
  docker cp -q "$container:/app" "$IMAGE_APP"
  docker rm "$container" >/dev/null
  IMAGE_COMMAND=$(docker inspect -f '{{range $i, $a := .Config.Entrypoint}}{{if $i}}{{$a}} {{end}}{{end}}' "$IMAGE")
}

# Runs the image's files with its entrypoint and flags on this host, under -XX:MaxRAM for the chart's limit, and
# waits for readiness: $1 name, $2 API port, $3 management port, $4 stub port, then further arguments for the
# service. Not in a container because Docker's cgroup (cgroup v1 here) weighs all of a container's threads
# together like one process of the host: under load from wrk and nginx outside it, the JVM got a fraction of
# the CPU and p99 rose from 8 ms to 230-750 ms, which no pod on its own node would see. Sets APP_PID, READY_MS.
start_image() {
  local name=$1
  shift
  start_java "$name" "$IMAGE_APP" "$IMAGE_COMMAND" "$@"
  if grep -q "Unable to use AOT cache" "$OUT/$name.log"; then
    echo "$JAVA refused the image's AOT cache (not the image's JVM?):" >&2
    grep "aot" "$OUT/$name.log" >&2
    exit 1
  fi
}

# Runs the image as Kubernetes would (its entrypoint, its flags, the chart's 768 MiB limit) on the host network
# and waits for readiness from `docker run` on: $1 name, $2 API port, $3 management port, $4 stub port, then
# further arguments for the service. NO_AOT_CACHE=1 starts the same files without the AOT cache. Sets APP_PID
# (the JVM's host pid), CONTAINERS and READY_MS.
start_container() {
  local name=$1 port=$2 management=$3 stub=$4
  shift 4
  local entrypoint=() jar=()
  [ "${NO_AOT_CACHE:-0}" = 1 ] && entrypoint=(--entrypoint java) && jar=(-jar app.jar)
  local options=()
  [ -n "${EXTRA_JAVA_OPTS:-}" ] && options=(-e JDK_JAVA_OPTIONS="$EXTRA_JAVA_OPTS")
  docker rm -f "bench-$name" >/dev/null 2>&1 || true
  local started
  started=$(date +%s%3N)
  # shellcheck disable=SC2046
  docker run -d --name "bench-$name" --network host -m 768m "${options[@]}" "${entrypoint[@]}" "$IMAGE" \
    "${jar[@]}" $(service_args "$port" "$management" "$stub") "$@" >/dev/null
  CONTAINERS+=("bench-$name")
  APP_PID=$(docker inspect -f '{{.State.Pid}}' "bench-$name")
  await_ready "$APP_PID" "$management" "$started" || { docker logs "bench-$name"; exit 1; }
}

stop_container() { # $1 name
  docker logs "bench-$1" >"$OUT/$1.log" 2>&1 || true
  docker stop -t 10 "bench-$1" >/dev/null
  docker rm "bench-$1" >/dev/null
}

rss_mb() { echo $(( $(ps -o rss= -p "$1") / 1024 )); }

# --- wrk ---------------------------------------------------------------------------------------------------------
declare -A RPS P50 P99
to_ms() { # wrk prints 812.00us, 1.20ms or 1.02s
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
# $1 seconds, $2 url, [$3 name to record], [$4 a wrk Lua script]
load() {
  local result script=()
  [ -n "${4:-}" ] && script=(-s "$4")
  result=$(wrk -t1 -c"$CONNECTIONS" -d"$1"s --latency "${script[@]}" -H "Authorization: Bearer $TOKEN" "$2")
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
# The first 15 s of load on a JVM just ready, second by second: $1 url, $2 name. Sets CURVE[$2] (the seconds'
# requests/s) and FIRST15[$2] (their mean).
declare -A CURVE FIRST15
curve() {
  local second answered total=0 seconds=()
  for second in $(seq 1 15); do
    answered=$(wrk -t1 -c"$CONNECTIONS" -d1s -H "Authorization: Bearer $TOKEN" "$1" | awk '/requests in/ { print $1 }')
    seconds+=("$answered")
    total=$(( total + answered ))
  done
  CURVE[$2]="${seconds[*]}"
  FIRST15[$2]=$(( total / 15 ))
  printf '  %-34s first 15 s, req/s each second: %s (mean %s)\n' "$2" "${CURVE[$2]}" "${FIRST15[$2]}"
}
