#!/usr/bin/env bash
# `npm test`: everything the tests need (npm deps, Chromium, ffmpeg, PostgreSQL for the DB contract
# tests), then type-check, unit, integration and end-to-end tests in one vitest run.
source "$(dirname "$0")/lib.sh"
ensure_node_modules
ensure_apt chromium
bash "$ROOT/scripts/ffmpeg.sh"  # Spaces HLS egress; optional (disabled without it)
# Captions: the engine, and flite to speak the test sentences.
build_captions && ensure_apt flite || log "captions engine unavailable: caption tests will be skipped"
build_web
if [ "$(id -u)" = 0 ] && [ -z "${TEST_DATABASE_URL:-}" ] && [ "${CONVENE_SKIP_POSTGRES:-}" != 1 ]; then
  eval "$("$ROOT/scripts/postgres.sh" start)"
  trap '"$ROOT/scripts/postgres.sh" stop' EXIT
fi
cd "$ROOT"
log "type-checking and linting"
npx tsc -p tsconfig.json --noEmit
npx eslint .
log "running tests${TEST_DATABASE_URL:+ (DB contract tests also against PostgreSQL)}"
npx vitest run "$@"
