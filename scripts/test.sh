#!/usr/bin/env bash
# `npm test`: everything the tests need (npm deps, Chromium, Firefox ESR with PulseAudio, ffmpeg,
# PostgreSQL for the DB contract tests), then type-check, unit, integration and end-to-end tests in
# one vitest run.
source "$(dirname "$0")/lib.sh"
ensure_node_modules
ensure_apt chromium
# Firefox end-to-end test: Firefox ESR, and PulseAudio for a null audio sink (Firefox runs no
# AudioContext without an output device). Without them that test is skipped, loudly.
ensure_apt firefox-esr pulseaudio || log "firefox-esr/pulseaudio unavailable: the Firefox test will be skipped"
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
