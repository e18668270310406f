#!/usr/bin/env bash
# The one gate, run by `npm test` locally and in CI: typecheck, lint, then every test tier
# (unit, integration, e2e) with a PostgreSQL server made available by scripts/ensure-postgres.sh.
# It fails when any step fails, or when the database tests did not run equally on every engine.
#
#   npm test                                   the whole gate
#   npm test -- test/unit/x.test.ts ...        only those files (no typecheck or lint)
#   npm test -- test/faults test/load          every test file under those directories
#   npm test -- --test-name-pattern=allocate   node --test options pass through (no typecheck or lint)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*" >&2; }

options=()
files=()
for arg in "$@"; do
  case "$arg" in
    -*) options+=("$arg") ;;
    *)
      # node --test given a directory runs nothing from it: its test files are named instead.
      if [ -d "$arg" ]; then
        mapfile -t found < <(find "$arg" -name '*.test.ts' -type f | sort)
        if [ ${#found[@]} -eq 0 ]; then
          echo "test.sh: no *.test.ts files under $arg" >&2
          exit 1
        fi
        files+=("${found[@]}")
      else
        files+=("$arg")
      fi
      ;;
  esac
done

if [ $# -eq 0 ]; then
  step typecheck
  npm run -s typecheck
  step lint
  npm run -s lint
fi

if [ ${#files[@]} -eq 0 ]; then
  # find, not a glob: a tier with no files yet must not break the run.
  mapfile -t files < <(find test -name '*.test.ts' -type f | sort)
fi
if [ ${#files[@]} -eq 0 ]; then
  echo 'no test files found under test/' >&2
  exit 1
fi

step postgres
TEST_POSTGRES_URL=$(scripts/ensure-postgres.sh)
export TEST_POSTGRES_URL

step chromium
CHROMIUM_PATH=$(scripts/ensure-chromium.sh)
export CHROMIUM_PATH

step "tests (${#files[@]} files)"
counts_file=$(mktemp)
trap 'rm -f "$counts_file"' EXIT
status=0
ENGINE_COUNT_FILE=$counts_file node --import tsx --test --test-concurrency=2 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=./test/support/engine-count-reporter.mjs --test-reporter-destination=stdout \
  ${options[@]+"${options[@]}"} "${files[@]}" || status=$?

if [ ! -s "$counts_file" ]; then
  echo 'test.sh: the engine-count reporter wrote no counts' >&2
  exit 1
fi
if [ "$(node -p "JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')).balanced" "$counts_file")" != true ]; then
  echo 'test.sh: FAIL: the number of database tests differs between sqlite and postgres (see the list above); register them with describeEngines so each runs on both' >&2
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
