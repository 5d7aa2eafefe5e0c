#!/usr/bin/env bash
# Creates .venv with the pinned test tools; a stamp skips the work when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
req=scripts/requirements-test.txt
stamp=.venv/.requirements.sha256
want=$(cat "$req" scripts/constraints-test.txt | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo ".venv is up to date"
  exit 0
fi
python3 -m venv .venv
.venv/bin/python -m pip install --quiet -r "$req" -c scripts/constraints-test.txt
echo "$want" > "$stamp"
