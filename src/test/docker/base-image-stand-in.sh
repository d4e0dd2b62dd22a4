#!/usr/bin/env bash
# No image registry is reachable here, so the image test builds a stand-in for the Dockerfile's base image
# (eclipse-temurin:25-jre) from this machine's own Temurin 25: the JDK, the shared libraries it links
# against, busybox for a shell, and the users the real image has. Tagged with the real name, the
# Dockerfile builds unchanged. Does nothing when the image exists already.
set -euo pipefail

image="${1:-eclipse-temurin:25-jre}"
jdk="${TEMURIN_25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"

if docker image inspect "$image" >/dev/null 2>&1; then
  exit 0
fi
[ -x "$jdk/bin/java" ] || { echo "No Temurin 25 at $jdk (set TEMURIN_25_HOME)" >&2; exit 1; }
busybox="$(command -v busybox || true)"
if [ -z "$busybox" ]; then
  apt-get install -y -qq busybox-static >/dev/null 2>&1 || apt-get install -y -qq busybox >/dev/null
  busybox="$(command -v busybox)"
fi

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/opt/java" "$root/bin" "$root/etc" "$root/tmp" "$root/lib64"
chmod 1777 "$root/tmp"
cp -a "$jdk" "$root/opt/java/openjdk"

# Every shared library the JVM loads from outside the JDK, at the same path as on this machine.
for binary in "$jdk/bin/java" "$jdk/lib/server/libjvm.so" "$jdk"/lib/*.so; do
  ldd "$binary" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/lib/ && $2 ~ /^\(/ {print $1}'
done | sort -u | grep -v "^$jdk" | while read -r library; do
  mkdir -p "$root$(dirname "$library")"
  cp -L "$library" "$root$library"
done

cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
  [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"

tar -C "$root" -c . | docker import \
  -c 'ENV JAVA_HOME=/opt/java/openjdk' \
  -c 'ENV PATH=/opt/java/openjdk/bin:/bin' \
  - "$image" >/dev/null
echo "Built a stand-in for $image from $jdk"
