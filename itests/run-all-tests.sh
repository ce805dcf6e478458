#!/usr/bin/env bash
# Runs every test: unit tests and contract suites of each module, the Pax Exam tests in Karaf,
# the kubectl end-to-end and kill -9 durability tests against the started distribution.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/java-17-openjdk-amd64 ]; then
  export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64   # Karaf 4.4 needs Java 17 (not 25)
fi
command -v kubectl >/dev/null || { echo "kubectl is needed on the PATH for the end-to-end tests" >&2; exit 1; }
# from Debian: a real etcd for the etcd backend's tests and the storage-switch test; the official
# Kubernetes Python client, which the end-to-end tests run with /usr/bin/python3
packages=""
[ -x /usr/bin/etcd ] || packages="$packages etcd-server"
/usr/bin/python3 -c 'import kubernetes' 2>/dev/null || packages="$packages python3-kubernetes"
# Prometheus' own text-format parser reads /metrics in the end-to-end tests
/usr/bin/python3 -c 'import prometheus_client' 2>/dev/null || packages="$packages python3-prometheus-client"
if [ -n "$packages" ]; then
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_="sudo"
  $sudo_ apt-get update -qq && $sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages
fi
mvn -B install "$@"
# the API baseline check must fail a build that breaks the group-author API without a major bump
offline=""
for a in "$@"; do
  if [ "$a" = "-o" ] || [ "$a" = "--offline" ]; then offline="-o"; fi
done
MVN_OFFLINE="$offline" ./itests/api-baseline-guard.sh
