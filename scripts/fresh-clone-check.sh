#!/usr/bin/env bash
# Proves the README's first command on a fresh clone, run the way a newcomer runs it:
#
#   bash scripts/fresh-clone-check.sh      (also the `fresh` phase of scripts/test.sh)
#
# 1. The committed HEAD, cloned with --no-local into a new temporary directory,
#    where the README's first command (`npm start`) runs as written: on a free
#    port, with none of our variables set and the default data directory
#    (./.cellgate in the clone). It must answer GET /api/health 200, render the
#    sign-in form at /signin, print the demo sign-in details, leave
#    `git status --porcelain` empty, and stop with its process group, leaving
#    nothing listening.
# 2. Recovery, in a second clone: the first `npm start` killed (SIGKILL, a
#    closed terminal) during npm ci, the second interrupted (SIGINT, Ctrl-C)
#    during next build; the third must build again and serve, with the same
#    checks.
#
# Prints `ok - …` / `not ok - …` per check, then `checks: N passed, N failed`,
# and exits non-zero on any failure. Uncommitted changes are not part of it.
# Logs go to .tmp/fresh-clone/; the clones are removed at the end
# (CELLGATE_FRESH_KEEP=1 keeps them). CELLGATE_FRESH_TIMEOUT: seconds one
# `npm start` may take to answer (default 900; install and build take about
# 3 minutes on 2 cores).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
source scripts/lib/common.sh

TIMEOUT="${CELLGATE_FRESH_TIMEOUT:-900}"
LOGS="$ROOT/.tmp/fresh-clone"
rm -rf "$LOGS" && mkdir -p "$LOGS"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cellgate-fresh-XXXXXX")"
APP_PID=""
APP_PGID=""
passed=0
failed=0

ok() { echo "ok - $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $*"; failed=$((failed + 1)); }
# check DESCRIPTION CMD...: one check line, from CMD's exit status
check() {
  local desc="$1"; shift
  if "$@"; then ok "$desc"; else not_ok "$desc"; return 1; fi
}
# quote FILE [LINES]: its last lines, indented so they never read as a check line
quote() { tail -n "${2:-25}" "$1" 2>/dev/null | sed 's/^/    | /' >&2; }

finish() {
  stop_app KILL
  if [ "${CELLGATE_FRESH_KEEP:-}" = 1 ]; then log "kept the clones in $WORK"; else rm -rf "$WORK"; fi
}
trap finish EXIT
trap 'exit 130' INT TERM

# The environment of a new shell: none of our variables, no npm-run leftovers
# (npm_*, an outer node_modules/.bin on PATH). NODE_ENV is left as it is.
ENV_ARGS=()
for v in $(compgen -e); do
  case "$v" in
    CELLGATE_* | NEXTAUTH_* | DATABASE_URL | PORT | npm_* | INIT_CWD | PLAYWRIGHT_*) ENV_ARGS+=(-u "$v") ;;
  esac
done
CLEAN_PATH="$(printf '%s' "$PATH" | tr ':' '\n' | grep -v -e '/node_modules/\.bin$' -e '/node-gyp-bin$' | paste -sd: -)"

free_port() {
  node -e '
    const server = require("node:net").createServer();
    server.listen(0, "127.0.0.1", () => { console.log(server.address().port); server.close(); });
  '
}
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
group_alive() { [ -n "$1" ] && kill -0 -- "-$1" 2>/dev/null; }

# http_get URL [BODY_FILE] -> prints the status code (000: no answer)
http_get() {
  node -e '
    const [url, out] = process.argv.slice(1);
    fetch(url, { redirect: "manual", signal: AbortSignal.timeout(10_000) })
      .then(async (r) => {
        const body = await r.text();
        if (out) require("node:fs").writeFileSync(out, body);
        console.log(r.status);
      })
      .catch(() => console.log("000"));
  ' "$1" "${2:-}"
}

# start_app DIR LOG PORT: the README command in DIR, in a session (and process group) of its own.
start_app() {
  local dir="$1" logf="$2" port="$3" i pgid
  (cd "$dir" && exec env "${ENV_ARGS[@]}" PATH="$CLEAN_PATH" PORT="$port" setsid bash -c "$README_CMD") \
    >"$logf" 2>&1 </dev/null &
  APP_PID=$!
  disown "$APP_PID" # no "Killed" job notice; group_alive tells when it is gone
  APP_PGID=""
  for ((i = 0; i < 100; i++)); do
    pgid="$(ps -o pgid= -p "$APP_PID" 2>/dev/null | tr -d ' ')"
    if [ "$pgid" = "$APP_PID" ]; then APP_PGID="$pgid"; return 0; fi
    sleep 0.05
  done
  log "could not see $APP_PID lead its own process group"
  return 1
}

# strays PGID: processes descended from the group's leader that left the group
# (next build runs its TypeScript check detached, in a session of its own).
strays() {
  ps -e -o pid= -o ppid= -o pgid= | awk -v root="$1" '
    { kids[$2] = kids[$2] " " $1; group[$1] = $3 }
    END {
      queue = root
      while (queue != "") {
        n = split(queue, q, " "); queue = ""
        for (i = 1; i <= n; i++) {
          m = split(kids[q[i]], k, " ")
          for (j = 1; j <= m; j++) { queue = queue " " k[j]; if (group[k[j]] != root) print k[j] }
        }
      }
    }'
}
any_alive() { local p; for p in "$@"; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }

# stop_app [SIGNAL]: signals the whole group and its strays (default TERM), SIGKILL
# after 30 s; returns once none of them is left. STOP_KILLED=1 when SIGKILL was needed.
stop_app() {
  local sig="${1:-TERM}" i
  local -a others=()
  STOP_KILLED=0
  [ -n "$APP_PGID" ] || return 0
  read -r -a others < <(strays "$APP_PGID" | tr '\n' ' ')
  kill "-$sig" -- "-$APP_PGID" "${others[@]}" 2>/dev/null
  for ((i = 0; i < 300; i++)); do group_alive "$APP_PGID" || any_alive "${others[@]}" || break; sleep 0.1; done
  if group_alive "$APP_PGID" || any_alive "${others[@]}"; then
    STOP_KILLED=1
    kill -KILL -- "-$APP_PGID" "${others[@]}" 2>/dev/null
    for ((i = 0; i < 50; i++)); do group_alive "$APP_PGID" || any_alive "${others[@]}" || break; sleep 0.1; done
  fi
  APP_PGID=""
}

# wait_for_health PORT: until GET /api/health answers 200 (0), the app exits or time runs out (1).
wait_for_health() {
  local port="$1" deadline=$((SECONDS + TIMEOUT))
  while [ "$SECONDS" -lt "$deadline" ]; do
    [ "$(http_get "http://127.0.0.1:$port/api/health")" = 200 ] && return 0
    group_alive "$APP_PGID" || return 1
    sleep 2
  done
  return 1
}

# wait_for_log LOG TEXT: until the log has a line with TEXT (0), the app exits or time runs out (1).
wait_for_log() {
  local logf="$1" text="$2" deadline=$((SECONDS + TIMEOUT))
  while [ "$SECONDS" -lt "$deadline" ]; do
    grep -qF -- "$text" "$logf" 2>/dev/null && return 0
    group_alive "$APP_PGID" || return 1
    sleep 0.5
  done
  return 1
}

# clone NAME: the committed HEAD into $WORK/NAME (prints nothing; 1 on failure)
clone() {
  local dest="$WORK/$1"
  git clone --quiet --no-local "$ROOT" "$dest" >>"$LOGS/git.log" 2>&1 || return 1
  if [ "$(git -C "$dest" rev-parse HEAD)" != "$HEAD_SHA" ]; then
    git -C "$dest" fetch --quiet origin "$HEAD_SHA" >>"$LOGS/git.log" 2>&1 &&
      git -C "$dest" checkout --quiet --detach "$HEAD_SHA" >>"$LOGS/git.log" 2>&1 || return 1
  fi
}

# signin_form PORT FILE: GET /signin answers 200 with the form (email, password, submit) server-rendered.
signin_form() {
  [ "$(http_get "http://127.0.0.1:$1/signin" "$2")" = 200 ] && grep -q '<form' "$2" && grep -q 'name="email"' "$2" &&
    grep -q 'type="password"' "$2" && grep -q '>Sign in<' "$2"
}
# demo_details LOG: the seed printed the sign-in details (the shared password, the users).
demo_details() {
  grep -qF 'Demo sign-in' "$1" && grep -Eq '^  password: [^ ]+' "$1" && grep -qF 'admin@cellgate.demo' "$1"
}
# unchanged DIR: `git status --porcelain` is empty (what it lists, when not, goes to stderr).
unchanged() {
  local changes
  changes="$(git -C "$1" status --porcelain 2>&1)"
  [ -z "$changes" ] || { printf '%s\n' "$changes" | sed 's/^/    | /' >&2; return 1; }
}
stopped_cleanly() { stop_app TERM; [ "$STOP_KILLED" = 0 ]; }
not_listening() { ! listening "$1"; }

# serving_checks DIR LOG PORT SINCE LABEL: what a start that serves must show; then it is stopped.
serving_checks() {
  local dir="$1" logf="$2" port="$3" since="$4" label="$5"
  if wait_for_health "$port"; then
    ok "$label: GET /api/health answers 200 ($((SECONDS - since)) s after \`$README_CMD\`)"
  else
    not_ok "$label: GET /api/health answers 200 (gave up after $((SECONDS - since)) s)"
    quote "$logf" 40
  fi
  check "$label: GET /signin renders the sign-in form (email, password, Sign in)" \
    signin_form "$port" "$LOGS/signin-$port.html"
  check "$label: the demo sign-in details (users and password) are printed" demo_details "$logf"
  check "$label: git status --porcelain in the clone is empty (nothing rewritten)" unchanged "$dir"
  check "$label: SIGTERM ends every process it started (its group and the strays) within 30 s" stopped_cleanly
  check "$label: nothing listens on port $port afterwards" not_listening "$port"
}

# readme_first_command FILE: the first line of the first fenced code block, without its comment.
readme_first_command() {
  awk '/^```/ { if (inside) exit; inside = 1; next } inside && NF { sub(/[[:space:]]+#.*$/, ""); print; exit }' "$1"
}
# interrupt_install: once npm ci has begun to fill node_modules, SIGKILL (npm gets no chance to
# roll back, so a partial node_modules stays; SIGINT makes npm finish its downloads and remove it).
interrupt_install() {
  local dir="$1" logf="$2" i
  wait_for_log "$logf" 'installing dependencies (npm ci' || return 1
  for ((i = 0; i < 240; i++)); do [ -d "$dir/node_modules" ] && break; sleep 0.25; done
  sleep 3
  group_alive "$APP_PGID" || return 1
  stop_app KILL
}
# interrupt_build: 10 s into next build (compiling: 20-70 s on 2 cores, long before it can finish), SIGINT.
interrupt_build() {
  wait_for_log "$2" 'building the console' && sleep 10 && group_alive "$APP_PGID" || return 1
  stop_app INT
}
partial_install() { [ -d "$1/node_modules" ] && [ ! -e "$1/$INSTALL_STAMP" ]; }
unfinished_build() { [ -d "$1/.next" ] && [ ! -e "$1/$BUILD_MARKER" ]; }
rebuilds() {
  wait_for_log "$1" 'building the console (next build; no completed build)' &&
    grep -qF 'removing an unfinished build (.next)' "$1"
}

require_node
HEAD_SHA="$(git rev-parse HEAD)"
SHORT="${HEAD_SHA:0:7}"
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  log "note: uncommitted changes are not part of this check (it clones HEAD $SHORT)"
fi

# ── 1. a fresh clone, the README's first command as written ──
log "fresh clone: cloning HEAD $SHORT into $WORK/a…"
README_CMD=""
if ! check "git clone --no-local of HEAD $SHORT into a new temporary directory" clone a; then
  quote "$LOGS/git.log"
elif ! README_CMD="$(readme_first_command "$WORK/a/README.md")" || [ -z "$README_CMD" ]; then
  not_ok "README.md has a first command (the first line of its first code block)"
else
  ok "README.md's first command is \`$README_CMD\`"
  port="$(free_port)"
  log "fresh clone: \`$README_CMD\` on port $port (log: $LOGS/a-start.log)…"
  t0=$SECONDS
  start_app "$WORK/a" "$LOGS/a-start.log" "$port"
  serving_checks "$WORK/a" "$LOGS/a-start.log" "$port" "$t0" "fresh clone"
  [ "${CELLGATE_FRESH_KEEP:-}" = 1 ] || rm -rf "$WORK/a"

  # ── 2. recovery: the first start killed during npm ci, the second interrupted during next build ──
  dir="$WORK/b"
  if ! check "recovery: git clone --no-local of HEAD $SHORT into a second directory" clone b; then
    quote "$LOGS/git.log"
    echo "checks: $passed passed, $failed failed"
    exit 1
  fi
  log "recovery: \`$README_CMD\` in the second clone, killed during npm ci (log: $LOGS/b1-start.log)…"
  start_app "$dir" "$LOGS/b1-start.log" "$(free_port)"
  if interrupt_install "$dir" "$LOGS/b1-start.log"; then
    check "recovery: SIGKILL during the first npm ci leaves a partial node_modules without $INSTALL_STAMP" \
      partial_install "$dir"
  else
    not_ok "recovery: the first start reaches npm ci and is still running to be killed"
    quote "$LOGS/b1-start.log"
    stop_app KILL
  fi

  log "recovery: \`$README_CMD\` again, interrupted during next build (log: $LOGS/b2-start.log)…"
  start_app "$dir" "$LOGS/b2-start.log" "$(free_port)"
  if interrupt_build "$dir" "$LOGS/b2-start.log"; then
    check "recovery: the second start redid the killed install (npm ci) before it built" \
      grep -qF 'installing dependencies (npm ci; no completed install)' "$LOGS/b2-start.log"
    check "recovery: SIGINT during next build leaves an unfinished .next without $BUILD_MARKER" unfinished_build "$dir"
  else
    not_ok "recovery: the second start reaches next build and is still running to be interrupted"
    quote "$LOGS/b2-start.log"
    stop_app KILL
  fi

  port="$(free_port)"
  log "recovery: \`$README_CMD\` a third time, on port $port (log: $LOGS/b3-start.log)…"
  t0=$SECONDS
  start_app "$dir" "$LOGS/b3-start.log" "$port"
  check "after interruptions: the third start removes the unfinished build and builds again" \
    rebuilds "$LOGS/b3-start.log"
  serving_checks "$dir" "$LOGS/b3-start.log" "$port" "$t0" "after interruptions"
fi

echo "checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
