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

# Stamps: each is written only after the step it vouches for has succeeded, so
# an interrupted or failed install, generate or build is redone on the next run.
INSTALL_STAMP=node_modules/.cellgate-install
GENERATE_STAMP=lib/generated/.cellgate-generate
BUILD_MARKER=.next/cellgate-build-complete
# What `prisma generate` and `next build` cannot do without (devDependencies among them).
KEY_PACKAGES=(next typescript @tailwindcss/postcss tailwindcss postcss prisma @prisma/client)
KEY_BINS=(next prisma tsc)

# fingerprint FILE... -> one line: SHA-256 over the files, the platform and the Node.js major version.
fingerprint() {
  node -e '
    const crypto = require("node:crypto");
    const fs = require("node:fs");
    const h = crypto.createHash("sha256");
    for (const f of process.argv.slice(1)) h.update(`${f}\0`).update(fs.existsSync(f) ? fs.readFileSync(f) : "").update("\0");
    console.log(`${h.digest("hex")} ${process.platform}-${process.arch} node${process.versions.node.split(".")[0]}`);
  ' "$@"
}
install_fingerprint() { fingerprint package-lock.json package.json; }
generate_fingerprint() { fingerprint prisma/schema.prisma prisma.config.ts node_modules/prisma/package.json; }

# Prints why node_modules needs `npm ci` (nothing when the last install completed and still matches).
stale_install_reason() {
  if [ ! -f "$INSTALL_STAMP" ]; then echo "no completed install"; return; fi
  if [ "$(cat "$INSTALL_STAMP")" != "$(install_fingerprint)" ]; then
    echo "package-lock.json, package.json or the Node.js version changed"; return
  fi
  local p
  for p in "${KEY_PACKAGES[@]}"; do
    if [ ! -f "node_modules/$p/package.json" ]; then echo "node_modules/$p is missing"; return; fi
  done
  for p in "${KEY_BINS[@]}"; do
    if [ ! -x "node_modules/.bin/$p" ]; then echo "node_modules/.bin/$p is missing"; return; fi
  done
}

# `npm ci` (devDependencies included, whatever NODE_ENV says) unless the last
# install completed for this package-lock.json; never `npm install`, which may
# rewrite the lock file. Then the Prisma client, if the schema changed.
ensure_dependencies() {
  local why
  why="$(stale_install_reason)"
  if [ -n "$why" ]; then
    log "installing dependencies (npm ci; $why)…"
    rm -f "$INSTALL_STAMP"
    mkdir -p .tmp
    if ! env -u NODE_ENV npm ci --include=dev --no-audit --no-fund >.tmp/npm-ci.log 2>&1; then
      tail -n 20 .tmp/npm-ci.log >&2
      log "npm ci failed (full log: .tmp/npm-ci.log)"
      return 1
    fi
    # npm ci succeeded, so did its postinstall (`prisma generate`).
    if [ -f lib/generated/prisma/client.ts ]; then generate_fingerprint >"$GENERATE_STAMP"; fi
    install_fingerprint >"$INSTALL_STAMP"
    why="$(stale_install_reason)"
    if [ -n "$why" ]; then
      rm -f "$INSTALL_STAMP"
      log "npm ci completed, yet $why"
      return 1
    fi
  fi
  ensure_prisma_client
}

# `prisma generate` (through scripts/postinstall.mjs) when there is no client
# yet or prisma/schema.prisma changed since the last generate.
ensure_prisma_client() {
  if [ -f lib/generated/prisma/client.ts ] && [ -f "$GENERATE_STAMP" ] \
     && [ "$(cat "$GENERATE_STAMP")" = "$(generate_fingerprint)" ]; then
    return 0
  fi
  log "generating the Prisma client…"
  rm -f "$GENERATE_STAMP"
  node scripts/postinstall.mjs || { log "prisma generate failed"; return 1; }
  mkdir -p "$(dirname "$GENERATE_STAMP")"
  generate_fingerprint >"$GENERATE_STAMP"
}

# True when the last `next build` ran to the end (the marker holds its BUILD_ID).
build_complete() {
  [ -f "$BUILD_MARKER" ] && [ -f .next/BUILD_ID ] && [ "$(cat "$BUILD_MARKER")" = "$(cat .next/BUILD_ID)" ]
}

# Prints why the console needs `next build`: no completed build, or the first
# source file changed since the last one started (nothing when the build is current).
stale_build_input() {
  if ! build_complete; then echo "no completed build"; return; fi
  local inputs=()
  for p in app components lib prisma public next.config.mjs package.json package-lock.json tsconfig.json \
           postcss.config.mjs tailwind.config.ts tailwind.config.js proxy.ts middleware.ts instrumentation.ts; do
    [ -e "$p" ] && inputs+=("$p")
  done
  find "${inputs[@]}" -newer "$BUILD_MARKER" -type f \
    -not -path 'lib/generated/*' -not -name '*.test.ts' -not -name '*.test.tsx' -print -quit
}

# `next build` (NODE_ENV unset: it needs devDependencies and sets production
# itself) when the build is missing, unfinished or stale. An unfinished one is
# removed first. The marker, written only on success, carries the time the
# build started, so a file edited during the build makes the next run rebuild.
build_if_stale() {
  local why
  why="$(stale_build_input)"
  if [ -z "$why" ]; then
    log "build is current (no source file changed since the last completed build)"
    return 0
  fi
  rm -f "$BUILD_MARKER"
  if [ "$why" = "no completed build" ] && [ -e .next ]; then
    log "removing an unfinished build (.next)…"
    rm -rf .next
  fi
  log "building the console (next build; $why)…"
  mkdir -p .tmp
  : >.tmp/build-started
  env -u NODE_ENV node_modules/.bin/next build || { log "next build failed"; return 1; }
  cp .next/BUILD_ID "$BUILD_MARKER.tmp" && touch -r .tmp/build-started "$BUILD_MARKER.tmp" && mv "$BUILD_MARKER.tmp" "$BUILD_MARKER"
}

# The project's own command-line tool, without ever asking the registry for a
# package named "cellgate" (npx would, if the local bin were missing).
cellgate() {
  [ -f bin/cellgate.mjs ] || die "bin/cellgate.mjs is missing; the cellgate CLI is not in this checkout."
  node bin/cellgate.mjs "$@"
}
