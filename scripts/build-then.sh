#!/bin/sh
# The root scripts' launcher: builds what changed (turbo's output only when the build fails, so a
# normal run prints no build banner), then replaces itself with `node <args>`, so a signal sent to the
# `pnpm …` process reaches the app itself.
out=$(turbo run build --output-logs=errors-only 2>&1) || { printf '%s\n' "$out" >&2; exit 1; }
exec node "$@"
