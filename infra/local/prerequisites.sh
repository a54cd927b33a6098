#!/usr/bin/env bash
# Installs what Liaison needs on a Debian/Ubuntu machine when it is missing: Node.js 20+,
# a Java 17+ runtime for Kafka, Maven to fetch the stack from Maven Central, Prometheus; with --browser
# also Chromium (the tests of the officers' page).
# Apicurio Registry 3.3 needs Java 21+; Debian 12 packages only 17, so that one is found, not
# installed (set LIAISON_REGISTRY_JAVA to a JDK 21+ bin/java if it is not under /usr/lib/jvm).
set -euo pipefail

missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
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
