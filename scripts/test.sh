#!/usr/bin/env bash
# The whole test suite, runnable on a fresh machine that has only the Rust toolchain and
# Python: it installs its own tools (pinned, into .venv), then runs
#   1. the sample generators' --check (standard-library Python): events/ and
#      tests/fixtures/bad-inputs/ are byte for byte what scripts/make_events.py and
#      scripts/make_bad_inputs.py write
#   2. cargo fmt --check, clippy (-D warnings), and every Rust unit/integration test
#   3. the generators' own tests (their --check catches an edited copy), and the alert
#      payload's JSON Schema against the golden payloads and the README's field table
#   4. cfn-lint, sam validate --lint, the template tests (policies, and the subscription
#      filter patterns against the classifier, through the CLI cargo test built) and checkov,
#      on template.yaml and on a copy whose defaults turn every optional output on
#   5. sam build (rust-cargolambda, arm64 bootstrap binaries)
#   6. the end-to-end tests: a moto server (S3, SNS, SQS) and the Lambda runtime API
#      emulator running the very bootstrap binaries sam build produced (through qemu on
#      non-arm64 hosts), plus the CLI's S3 replay path
#   7. cargo deny (licenses, bans, sources; pinned, installed into .tools/), after fetching
#      every platform's crates
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}" SAM_CLI_TELEMETRY=0
# One build per run: incremental caches would only cost disk (gigabytes for the AWS SDK).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

# Each step names the disk space left and the time so far, so a run that fills the disk or
# nears CI's time limit says where in its log.
step() { printf '\n==> %s  [%s free, %ss in]\n' "$*" "$(df -h . | awk 'NR == 2 { print $4 }')" "$SECONDS"; }

step "Python tools into .venv (background, pinned in scripts/requirements-test.txt)"
scripts/venv.sh > .venv-install.log 2>&1 &
venv_pid=$!

step "Samples: events/ and tests/fixtures/bad-inputs/ are what their generators write"
python3 scripts/make_events.py --check
python3 scripts/make_bad_inputs.py --check

step "Rust: format, lint, tests"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked

step "Waiting for the Python tools"
if ! wait "$venv_pid"; then cat .venv-install.log; exit 1; fi
export PATH="$PWD/.venv/bin:$PATH"

step "Sample generators: --check catches an edited copy"
pytest -q tests/scripts

step "Alert payload schema: schema/alert-v1.schema.json against the golden payloads and the README"
pytest -q tests/schema

step "Template: cfn-lint, sam validate --lint, template tests, checkov"
# Linted twice: as it is, and as a copy whose parameter defaults turn on the KMS key, the FIFO
# topic, the chat topic, a Slack channel and the event bus. The linters resolve Refs to
# parameters from their defaults (cfn-lint's --parameters do not survive the SAM transform).
options_dir=$(mktemp -d)
python3 tests/template/cfn.py UseKmsKey=true FifoTopic=true ChatNotifications=true \
  SlackWorkspaceId=T0123ABCD SlackChannelId=C0123ABCD EventBusName=default > "$options_dir/template.yaml"
for template in template.yaml "$options_dir/template.yaml"; do
  cfn-lint "$template"
  sam validate --lint -t "$template"
done
pytest -q tests/template
# Offline: no version check, no download; a template it cannot parse fails the run, and so
# does any failed check not skipped (with its reason) in the template's Metadata.
for template in template.yaml "$options_dir/template.yaml"; do
  CKV_SKIP_PACKAGE_UPDATE_CHECK=true BC_SKIP_MAPPING=TRUE CKV_PARSE_ERROR_FAIL=true \
    .venv/checkov/bin/checkov -f "$template" --framework cloudformation --skip-download --quiet --compact
done
rm -r "$options_dir"

step "sam build (rust-cargolambda, arm64)"
sam build --no-cached < /dev/null

step "End-to-end tests on the sam-built binaries"
if [ "$(uname -m)" != aarch64 ] && { ! command -v qemu-aarch64-static > /dev/null || [ ! -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ]; }; then
  scripts/install-qemu.sh
fi
E2E_FUNCTIONS=sam pytest -q tests/e2e

step "cargo deny: licenses, bans, sources (advisories need the RustSec database online)"
if [ ! -x .tools/bin/cargo-deny ]; then
  # An unoptimised build without debug info: it compiles in under half the time of a
  # release build, and checking our dependency graph still takes seconds.
  CARGO_PROFILE_DEV_DEBUG=0 cargo install cargo-deny --locked --version 0.20.2 --root .tools --debug --quiet
fi
# cargo-deny reads the dependency graph of every platform, offline; the builds above
# downloaded only the host's crates (a fresh CARGO_HOME has no others).
cargo fetch --locked
.tools/bin/cargo-deny --offline --log-level error check licenses bans sources
