#!/usr/bin/env bash
# Creates .venv with the pinned test tools, and .venv/checkov with checkov (whose pins clash
# with SAM CLI's); a stamp skips the work when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv/.requirements.sha256
want=$(cat scripts/{requirements,constraints}-{test,checkov}.txt | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo ".venv is up to date"
  exit 0
fi
# install DIR NAME: a venv in DIR with scripts/requirements-NAME.txt, pinned by constraints-NAME.txt
install() {
  python3 -m venv "$1"
  "$1/bin/python" -m pip install --quiet -r "scripts/requirements-$2.txt" -c "scripts/constraints-$2.txt"
}
install .venv test
install .venv/checkov checkov
echo "$want" > "$stamp"
