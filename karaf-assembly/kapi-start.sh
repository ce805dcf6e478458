#!/usr/bin/env bash
# Builds Kapi, starts the distribution on the embedded store, and prints how to point kubectl at it.
# Usage: ./karaf-assembly/kapi-start.sh        (stop with: karaf-assembly/target/assembly/bin/stop)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/java-17-openjdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64   # Karaf 4.4 needs Java 17 (not 25)
fi
mvn -B -q install -DskipTests
home="$PWD/karaf-assembly/target/assembly"
port=6443
if [ -f "$home/etc/io.kapi.server.cfg" ]; then
  p=$(sed -n 's/^[[:space:]]*securePort[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p' "$home/etc/io.kapi.server.cfg" | head -1)
  [ -n "$p" ] && port=$p
fi
"$home/bin/start"
printf 'waiting for https://127.0.0.1:%s/readyz ' "$port"
for _ in $(seq 1 240); do
  if [ "$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$port/readyz")" = 200 ] && [ -f "$home/etc/kapi/admin.kubeconfig" ]; then
    echo ok
    cat <<MSG

Kapi is serving on https://127.0.0.1:$port (Karaf home: $home, pid $(cat "$home/karaf.pid" 2>/dev/null || echo '?'))
Point kubectl at it:

  export KUBECONFIG=$home/etc/kapi/admin.kubeconfig
  kubectl get ns

Karaf console: $home/bin/client      Stop: $home/bin/stop
MSG
    exit 0
  fi
  printf '.'
  sleep 0.5
done
echo " not ready after 120 s; see $home/data/log/karaf.log" >&2
exit 1
