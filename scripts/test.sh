#!/usr/bin/env bash
# Install everything the tests need, then run lint and the whole test suite once.
# Headless Chromium and poppler come from Debian's packages (never a browser download).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium chromium-driver)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
# the store tests also run on a real PostgreSQL + PostGIS, the multi-server test behind nginx
[ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql-15)
[ -f /usr/share/postgresql/15/extension/postgis.control ] || need+=(postgresql-15-postgis-3)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" fonts-dejavu-core >/dev/null
fi

python -m pip install -q -r requirements-dev.txt
python -m ruff check .
export PETA_TEST_PG=required  # the PostgreSQL tests fail, not skip, when it is missing
python -m pytest -q "$@"
