# Shared helpers for scripts/start.sh and scripts/test.sh (sourced, not run).
# Everything here works from the repository root.

export NEXT_TELEMETRY_DISABLED=1

if [ -t 2 ]; then
  log() { printf '\033[1m[cellgate]\033[0m %s\n' "$*" >&2; }
else
  log() { printf '[cellgate] %s\n' "$*" >&2; }
fi
die() { printf '[cellgate] error: %s\n' "$*" >&2; exit 1; }

# Node.js >= 20.9 (what Next.js 16 needs).
require_node() {
  command -v node >/dev/null 2>&1 || die "Node.js is not installed; install Node.js 20.9 or newer."
  local v major minor
  v="$(node -p 'process.versions.node')"
  major="${v%%.*}"
  minor="${v#*.}"; minor="${minor%%.*}"
  if [ "$major" -lt 20 ] || { [ "$major" -eq 20 ] && [ "$minor" -lt 9 ]; }; then
    die "Node.js $v is too old; Cellgate needs 20.9 or newer."
  fi
}

# `npm ci` when node_modules is missing or older than package-lock.json.
# (postinstall runs `prisma generate` into lib/generated.)
ensure_dependencies() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing dependencies (npm ci)…"
    mkdir -p .tmp
    if ! npm ci --no-audit --no-fund >.tmp/npm-ci.log 2>&1; then
      # The registry reachable here serves no packages for other platforms, so
      # package-lock.json cannot list them and `npm ci` may refuse it as out of
      # sync; `npm install` honours the same lock and completes.
      log "npm ci failed ($(grep -m1 -o 'npm error .*' .tmp/npm-ci.log || echo 'see .tmp/npm-ci.log')); using npm install…"
      npm install --no-audit --no-fund
    fi
  fi
  if [ ! -f lib/generated/prisma/client.ts ]; then
    log "generating the Prisma client…"
    node scripts/postinstall.mjs
  fi
}

# Prints the first source file newer than .next/BUILD_ID (nothing when the build is current).
stale_build_input() {
  if [ ! -f .next/BUILD_ID ]; then echo ".next/BUILD_ID (no build yet)"; return; fi
  local inputs=()
  for p in app components lib prisma public next.config.mjs package.json tsconfig.json \
           postcss.config.mjs tailwind.config.ts tailwind.config.js proxy.ts middleware.ts; do
    [ -e "$p" ] && inputs+=("$p")
  done
  find "${inputs[@]}" -newer .next/BUILD_ID -type f \
    -not -path 'lib/generated/*' -not -name '*.test.ts' -not -name '*.test.tsx' -print -quit
}

# `next build` when there is no build or a source file changed since the last one.
build_if_stale() {
  local why
  why="$(stale_build_input)"
  if [ -n "$why" ]; then
    log "building the console (next build; changed: $why)…"
    npx next build
  else
    log "build is current (.next/BUILD_ID newer than every source file)"
  fi
}

# The project's own command-line tool, without ever asking the registry for a
# package named "cellgate" (npx would, if the local bin were missing).
cellgate() {
  [ -f bin/cellgate.mjs ] || die "bin/cellgate.mjs is missing; the cellgate CLI is not in this checkout."
  node bin/cellgate.mjs "$@"
}
