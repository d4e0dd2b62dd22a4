#!/usr/bin/env bash
# Starts a Docker engine when none answers: the image test in CI and the benchmark's image both need one.
# There is no bridge network on this machine, so containers use the host network.
set -euo pipefail
docker info >/dev/null 2>&1 && exit 0
nohup dockerd --bridge=none --iptables=false --ip-masq=false >/tmp/dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  docker info >/dev/null 2>&1 && exit 0
  sleep 1
done
echo "The Docker engine did not start:" >&2
tail -20 /tmp/dockerd.log >&2
exit 1
