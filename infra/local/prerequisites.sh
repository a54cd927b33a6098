#!/usr/bin/env bash
# Installs what Liaison needs on a Debian/Ubuntu machine when it is missing: Node.js 20+,
# a Java 17+ runtime for Kafka, Maven to fetch the stack from Maven Central, PostgreSQL (the
# services' state; the stack runs its own server, never the package's), Prometheus; with --browser
# also Chromium (the tests of the officers' page).
# The schema registry runs Apicurio 3.3.3 on Java 21+, else 3.0.9 on Java 17 (infra/local/java.ts):
# where the distribution packages a Java 21 (Ubuntu 24.04, Debian 13) and none is installed, it
# is installed; on Debian 12, which packages only 17, the stack runs 3.0.9.
set -euo pipefail

missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
# A Java 21 or newer anywhere the stack looks (JAVA_HOME, PATH, /usr/lib/jvm)?
has_java21() {
  local j
  for j in "${JAVA_HOME:-/nonexistent}/bin/java" "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    [ -x "$j" ] && "$j" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])' && return 0
  done
  return 1
}
if ! has_java21 && command -v apt-cache >/dev/null 2>&1 && apt-cache policy openjdk-21-jre-headless 2>/dev/null | grep -qE 'Candidate: [0-9]'; then
  missing+=(openjdk-21-jre-headless)
fi
# The stack's database: Debian's server binaries (/usr/lib/postgresql/<version>/bin), run by the stack itself.
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || [ -n "${LIAISON_POSTGRES_BIN:-}" ] || missing+=(postgresql)
# make up runs a Prometheus scraping the services; make test checks its config and alert rules.
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
# The tests drive the officers' page in a real browser: Debian's chromium, headless.
if [ "${1:-}" = "--browser" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi

if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "Installing ${missing[*]} with apt-get..."
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
  else
    echo "Liaison needs: ${missing[*]}. Install them with your package manager." >&2
    exit 1
  fi
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "Liaison needs Node.js 20 or newer; this machine has $(node -v)." >&2
  exit 1
fi
