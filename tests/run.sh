#!/usr/bin/env bash
# Install everything the RepCheck test suite needs, then run it.
#
#   bash tests/run.sh            # the whole suite (what CI runs)
#   bash tests/run.sh -k notation  # extra arguments go to pytest
#
# System packages (Debian): the PostgreSQL server binaries (the suite starts its own
# throwaway server on 127.0.0.1), the venv module, and the libraries OpenCV needs.
# Python packages go into .venv beside this checkout.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
python3 -c 'import ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
[ -e /usr/lib/x86_64-linux-gnu/libGL.so.1 ] || [ -e /usr/lib/aarch64-linux-gnu/libGL.so.1 ] \
  || missing+=(libgl1)
ldconfig -p 2>/dev/null | grep -q libglib-2.0.so.0 || missing+=(libglib2.0-0)
# Ceph RADOS Gateway for the S3 tests (1 mon + 1 memstore OSD + radosgw, started by the suite;
# ceph-base/ceph-common, which bring monmaptool, ceph and radosgw-admin, come as dependencies)
command -v radosgw >/dev/null 2>&1 || missing+=(radosgw)
command -v ceph-mon >/dev/null 2>&1 || missing+=(ceph-mon)
command -v ceph-osd >/dev/null 2>&1 || missing+=(ceph-osd)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test,sync]'

exec .venv/bin/python -m pytest -n 2 --durations=15 "$@"
