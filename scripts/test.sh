#!/usr/bin/env bash
# Cellgate, second command: the whole suite, exactly what CI runs (.ci/run).
#
#   bash scripts/test.sh                 every phase
#   bash scripts/test.sh unit e2e        only the named phases
#
# Phases: typecheck, unit, build, integration (PGlite and a throwaway
# PostgreSQL cluster; includes the built server end to end), e2e (Playwright
# on Debian's Chromium against the built app), fresh (scripts/fresh-clone-check.sh
# does `git clone --no-local` of the committed HEAD into an empty temporary
# directory and runs the README's first command, `npm start`, there: it must
# install, build and serve, and recover from an interrupted first start). Prints one summary line,
# `tests: N passed, N failed`, and exits non-zero on any failure. A phase that
# fails without reporting tests (typecheck, build, a runner that crashed)
# counts as one failure in that line.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh
export CI="${CI:-true}"

ALL_PHASES=(typecheck unit build integration e2e fresh)
if [ "$#" -gt 0 ]; then PHASES=("$@"); else PHASES=("${ALL_PHASES[@]}"); fi
for p in "${PHASES[@]}"; do
  [[ " ${ALL_PHASES[*]} " == *" $p "* ]] || die "unknown phase '$p' (phases: ${ALL_PHASES[*]})"
done
wants() { [[ " ${PHASES[*]} " == *" $1 "* ]]; }

REPORTS=.tmp/test-reports
rm -rf "$REPORTS" && mkdir -p "$REPORTS"
passed=0
failed=0
failed_phases=()
timings=()
build_ok=1

# count_json FILE KIND -> "passed failed skipped status" from a vitest or playwright JSON report.
# Files that failed to load (vitest) and setup errors (playwright) count as failures.
count_json() {
  node -e '
    const fs = require("node:fs");
    const [file, kind] = process.argv.slice(1);
    let r; try { r = JSON.parse(fs.readFileSync(file, "utf8")); } catch { console.log("0 0 0 missing"); process.exit(0); }
    if (kind === "vitest") {
      const broken = (r.testResults ?? []).filter((f) => f.status === "failed" && !(f.assertionResults ?? []).length).length;
      console.log(`${r.numPassedTests ?? 0} ${(r.numFailedTests ?? 0) + broken} ${(r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)} ok`);
    } else {
      const s = r.stats ?? {};
      console.log(`${(s.expected ?? 0) + (s.flaky ?? 0)} ${(s.unexpected ?? 0) + (r.errors ?? []).length} ${s.skipped ?? 0} ok`);
    }
  ' "$1" "$2"
}

# count_checks FILE -> "passed failed skipped status" from `ok - …` / `not ok - …` lines.
count_checks() {
  if [ ! -f "$1" ]; then echo "0 0 0 missing"; return; fi
  echo "$(grep -c '^ok - ' "$1") $(grep -c '^not ok - ' "$1") 0 ok"
}

# run_phase NAME REPORT_KIND REPORT_FILE CMD... ; REPORT_KIND is none|vitest|playwright|checks
run_phase() {
  local name="$1" kind="$2" report="$3"; shift 3
  log "── $name ──"
  local start=$SECONDS status
  "$@"
  status=$?
  timings+=("$name $((SECONDS - start))s")
  local p=0 f=0 k=0 found=ok
  if [ "$kind" = checks ]; then read -r p f k found < <(count_checks "$report")
  elif [ "$kind" != none ]; then read -r p f k found < <(count_json "$report" "$kind"); fi
  passed=$((passed + p))
  failed=$((failed + f))
  if [ "$status" -ne 0 ]; then
    failed_phases+=("$name")
    # a failing phase with no failing test in its report still counts once
    if [ "$f" -eq 0 ]; then failed=$((failed + 1)); fi
  fi
  if [ "$kind" != none ]; then
    if [ "$found" = ok ]; then log "$name: $p passed, $f failed, $k skipped"; else log "$name: no test report was written"; fi
  fi
  return "$status"
}

log "── setup ──"
require_node
ensure_dependencies || die "npm ci failed"
bash scripts/ensure-postgres.sh || die "could not provide PostgreSQL server binaries"
if wants e2e; then bash scripts/ensure-chromium.sh || die "could not provide Chromium"; fi

if wants typecheck; then
  run_phase typecheck none - npx tsc --noEmit -p .
fi
if wants unit; then
  run_phase unit vitest "$REPORTS/unit.json" \
    npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$REPORTS/unit.json"
fi
if wants build; then
  run_phase build none - build_if_stale || build_ok=0
elif ! build_complete; then
  build_ok=0
fi
if wants integration; then
  run_phase integration vitest "$REPORTS/integration.json" \
    npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$REPORTS/integration.json"
fi
if wants e2e; then
  if [ "$build_ok" -eq 1 ]; then
    export PLAYWRIGHT_JSON_OUTPUT_NAME="$REPORTS/e2e.json"
    run_phase e2e playwright "$REPORTS/e2e.json" npx playwright test --reporter=list,json
  else
    log "e2e: not run, there is no successful build"
    failed_phases+=("e2e (no build)")
    failed=$((failed + 1))
  fi
fi

if wants fresh; then
  # Its own clones, installs and builds: independent of this checkout's node_modules and .next.
  fresh_clone_check() { bash scripts/fresh-clone-check.sh 2>&1 | tee "$REPORTS/fresh.log"; }
  run_phase fresh checks "$REPORTS/fresh.log" fresh_clone_check
fi

log "── summary ──"
for t in "${timings[@]}"; do log "  $t"; done
if [ "${#failed_phases[@]}" -gt 0 ]; then log "failed phases: ${failed_phases[*]}"; fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "${#failed_phases[@]}" -eq 0 ]
