#!/usr/bin/env bash
# Installs the language runtimes the end-to-end tests run real servers with (test/polyglot-pipeline/e2e.test.ts):
# R with plumber, Python 3 with FastAPI and uvicorn (Debian's own python3, not a pyenv one), and a JDK; and Prometheus:
# its promtool checks and unit-tests every PromQL query the components deploy (test/spike-autoscaler/promql.test.ts),
# and its server scrapes fake vLLM pods on loopback to evaluate the deployed KEDA query
# (test/spike-autoscaler/prometheus-e2e.test.ts);
# and BusyBox, the shell of the curl fetcher image, which runs the model cache's populate script
# (test/model-service/model-cache.test.ts); and Redis with boto3, for the queue consumer of ModelService's queue mode, run
# against a real redis-server and protocol-tested with botocore's Stubber (test/model-service/queue-consumer.test.ts); and
# nginx, which runs ModelGateway's docker configuration in front of real model servers (test/model-gateway/docker-e2e.test.ts)
# and checks every configuration the unit tests write (`nginx -t`).
# Idempotent: installs only what is missing, and does nothing (no apt-get update) when everything is there.
# Debian/Ubuntu only (apt-get); runs apt-get through sudo when not root.
set -euo pipefail

# Debian packages, with the command or module that proves each is usable.
PACKAGES=(r-cran-plumber python3-fastapi python3-uvicorn default-jdk-headless prometheus busybox redis-server python3-boto3 nginx)

installed() {
    case "$1" in
        r-cran-plumber) command -v Rscript >/dev/null 2>&1 && Rscript -e 'quit(status = !requireNamespace("plumber", quietly = TRUE))' >/dev/null 2>&1 ;;
        python3-fastapi) /usr/bin/python3 -c 'import fastapi' >/dev/null 2>&1 ;;
        python3-uvicorn) /usr/bin/python3 -c 'import uvicorn' >/dev/null 2>&1 ;;
        # Any JDK will do (the stage is plain Java): an existing javac counts.
        default-jdk-headless) command -v javac >/dev/null 2>&1 ;;
        # promtool, and the server binary the end-to-end test starts on a free loopback port (the package's service is not used).
        prometheus) command -v promtool >/dev/null 2>&1 && [ -x /usr/bin/prometheus ] ;;
        busybox) [ -x /usr/bin/busybox ] || [ -x /bin/busybox ] ;;
        # The server binary only (the test starts its own on a free port; the package's service is not used).
        redis-server) command -v redis-server >/dev/null 2>&1 ;;
        python3-boto3) /usr/bin/python3 -c 'import boto3, botocore.stub' >/dev/null 2>&1 ;;
        # The binary only: the tests start their own nginx on a free loopback port, never the package's service.
        nginx) [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 ;;
        *) dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" ;;
    esac
}

missing=()
for package in "${PACKAGES[@]}"; do
    installed "$package" || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
    echo "setup-e2e: R/plumber, Python/FastAPI/uvicorn, a JDK, Prometheus and promtool, BusyBox, redis-server, boto3 and nginx are installed"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-e2e: missing ${missing[*]}, and this is not a Debian-based system (no apt-get): install them by hand" >&2
    exit 1
fi
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else echo "setup-e2e: missing ${missing[*]}: run as root (or install sudo)" >&2; exit 1; fi
fi

echo "setup-e2e: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"

for package in "${missing[@]}"; do
    if ! installed "$package"; then
        echo "setup-e2e: $package was installed but is not usable" >&2
        exit 1
    fi
done
echo "setup-e2e: done"
