#!/usr/bin/env bash
# Debian's ffmpeg (5.1) for the Spaces HLS egress (docs/spaces.md). Quiet, non-interactive, once.
# Only root can install; otherwise ffmpeg must already be on PATH (the server then disables the
# egress with a log line, and the HLS tests skip).
source "$(dirname "$0")/lib.sh"
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 && exit 0
ensure_apt ffmpeg || log "ffmpeg unavailable: the Spaces HLS egress stays off"
