#!/usr/bin/env bash
# `npm start`: install what is needed, build the web app, start one Convene node with embedded
# defaults (PGlite data in ./data, media workers on every core). PORT and HOST choose where it listens.
source "$(dirname "$0")/lib.sh"
ensure_node_modules
bash "$ROOT/scripts/ffmpeg.sh"  # Spaces HLS egress; optional (disabled without it)
build_captions || log "live captions disabled (PocketSphinx could not be installed)"
build_web
cd "$ROOT"
exec node --import tsx packages/server/src/main.ts
