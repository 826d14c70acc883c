#!/bin/sh
# Restarts the Lintas processes of the Compose recipe one at a time, each once the last is back in
# Caddy's rotation, so that no request is lost (test/compose-run.test.ts runs it under reads):
#
#   deploy/rolling-restart.sh              restart each lintas-N service in turn (new settings, a stuck process)
#   deploy/rolling-restart.sh --recreate   recreate each from its image instead (an upgrade: build or pull the
#                                          new image, `docker compose run --rm migrate`, then this)
#
# Run it where `docker compose up` runs (COMPOSE_FILE and COMPOSE_PROJECT_NAME are honoured). A stopping
# process fails /readyz for LINTAS_SHUTDOWN_DRAIN_SECONDS while it still serves; the next one stops only
# once this one is healthy again and two of Caddy's checks (every 2 s) have passed, so one is always in
# rotation. Stops at the first process that is not healthy within 5 minutes, leaving the others as they are.
set -eu

compose() {
  if docker compose version >/dev/null 2>&1; then docker compose "$@"; else docker-compose "$@"; fi
}

case "${1:-}" in
  '') how=restart ;;
  --recreate) how=recreate ;;
  *) echo "usage: deploy/rolling-restart.sh [--recreate]" >&2; exit 2 ;;
esac

services="$(compose config --services | grep -E '^lintas-[0-9]+$' | sort -t- -k2 -n)"
[ -n "$services" ] || { echo "no lintas-N service in this Compose project" >&2; exit 1; }
for service in $services; do
  if [ "$how" = recreate ]; then compose up -d --no-deps --force-recreate "$service"; else compose restart "$service"; fi
  container="$(compose ps -q "$service")"
  waited=0
  until [ "$(docker inspect --format '{{.State.Health.Status}}' "$container")" = healthy ]; do
    waited=$((waited + 1))
    if [ "$waited" -gt 300 ]; then
      echo "$service is not healthy after 5 minutes: stopped here (docker compose logs $service)" >&2
      exit 1
    fi
    sleep 1
  done
  sleep 4
  echo "$service: back in rotation"
done
