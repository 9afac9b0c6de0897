#!/usr/bin/env bash
# Cellgate, first command on a fresh machine: install, build, migrate, seed, serve.
#
#   bash scripts/start.sh        (or: npm start)
#
# PORT (default 3000), CELLGATE_DATA_DIR (default ./.cellgate; the embedded
# PGlite database and generated secrets live there), DATABASE_URL (PostgreSQL
# instead of PGlite), NEXTAUTH_SECRET / NEXTAUTH_URL, CELLGATE_DEMO_PASSWORD.
# CELLGATE_SKIP_INSTALL=1 / CELLGATE_SKIP_BUILD=1 use node_modules / .next as
# they are (scripts/test.sh installs and builds before it runs this script).
#
# Install and build run with NODE_ENV unset (they need devDependencies);
# NODE_ENV=production holds for migrate, seed and serve. Either step, when
# interrupted or failed, is redone by the next run (see scripts/lib/common.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh

export PORT="${PORT:-3000}"
export CELLGATE_DATA_DIR="${CELLGATE_DATA_DIR:-./.cellgate}"
unset NODE_ENV

require_node
if [ "${CELLGATE_SKIP_INSTALL:-}" = 1 ]; then
  [ -d node_modules ] || die "CELLGATE_SKIP_INSTALL=1 but node_modules is missing"
else
  ensure_dependencies || die "could not install the dependencies"
fi

# Session signing secret: generated once into the data directory (mode 0600).
if [ -z "${NEXTAUTH_SECRET:-}" ]; then
  secret_file="$CELLGATE_DATA_DIR/nextauth-secret"
  if [ ! -s "$secret_file" ]; then
    mkdir -p "$CELLGATE_DATA_DIR"
    chmod 700 "$CELLGATE_DATA_DIR" 2>/dev/null || true
    (umask 077 && node -e 'process.stdout.write(require("node:crypto").randomBytes(32).toString("base64url"))' >"$secret_file")
    chmod 600 "$secret_file"
    log "generated a session secret in $secret_file"
  fi
  NEXTAUTH_SECRET="$(cat "$secret_file")"
  export NEXTAUTH_SECRET
fi
export NEXTAUTH_URL="${NEXTAUTH_URL:-http://localhost:$PORT}"

if [ "${CELLGATE_SKIP_BUILD:-}" = 1 ]; then
  build_complete || die "CELLGATE_SKIP_BUILD=1 but there is no completed build ($BUILD_MARKER)"
else
  build_if_stale || die "could not build the console"
fi

export NODE_ENV=production

# Each CLI run opens the database, finishes, and exits (releasing the PGlite
# lock) before the server opens it.
log "applying database migrations…"
cellgate db migrate --apply
log "seeding demo data (only when the database is empty)…"
cellgate demo seed --apply

if [ -n "${DATABASE_URL:-}" ]; then where="PostgreSQL (DATABASE_URL)"; else where="embedded PGlite in $CELLGATE_DATA_DIR"; fi
log "serving on http://localhost:$PORT, data: $where"
exec node scripts/serve.mjs -p "$PORT"
