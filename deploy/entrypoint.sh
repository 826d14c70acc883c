#!/bin/sh
# The image's entry point: reads the secrets given as files (NAME_FILE, as Docker and Compose
# secrets are mounted under /run/secrets) into the variables Lintas reads, then runs `lintas ARGS`.
#   LINTAS_DATA_KEY_FILE  the data key (every process of one database needs the same)
#   PGPASSWORD_FILE       the database password (node-postgres reads PGPASSWORD when DATABASE_URL has none)
set -eu
for name in LINTAS_DATA_KEY PGPASSWORD; do
  file="$(printenv "${name}_FILE" || true)"
  if [ -n "$file" ]; then
    value="$(cat "$file")"
    export "$name=$value"
    unset "${name}_FILE"
  fi
done
exec node "$(dirname "$0")/../bin/lintas.js" "$@"
