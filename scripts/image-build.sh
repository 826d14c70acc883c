#!/bin/sh
# The steps that make Lintas's container image, in one place: the Dockerfile runs them, and
# test/image-build.test.ts runs the same steps in a clean folder where no Docker engine is at hand.
#
#   scripts/image-build.sh build            in a checkout (a clean one: the Dockerfile's build stage):
#                                           npm ci with the dev dependencies, then npm run build
#                                           (dist/ and web/dist/)
#   scripts/image-build.sh runtime FROM TO  makes TO the runtime folder: the package files, bin/ and the
#                                           built files of the checkout FROM, then npm ci --omit=dev in TO
#
# LINTAS_IMAGE_KEEP_MODULES=1 keeps a node_modules already in the folder instead of `npm ci` (build: as
# it is; runtime: pruned to the production dependencies with `npm prune --omit=dev`). The test uses it
# with a hard-linked copy of the lockfile's tree, to spare a minute of downloads; the image never does.
# Nothing here downloads anything but npm packages from the registry the lockfile names.
set -eu

install() {
  if [ "${LINTAS_IMAGE_KEEP_MODULES:-}" = 1 ] && [ -d node_modules ]; then
    if [ "$1" = production ]; then npm prune --omit=dev --no-audit --no-fund; fi
  elif [ "$1" = production ]; then
    npm ci --omit=dev --no-audit --no-fund
    npm cache clean --force
  else
    npm ci --no-audit --no-fund
  fi
}

case "${1:-}" in
  build)
    install development
    npm run build
    ;;
  runtime)
    from="${2:?runtime needs the built checkout FROM}"
    to="${3:?runtime needs the folder TO}"
    mkdir -p "$to/web"
    # What `lintas serve` reads at run time: its command, the compiled server with its migrations and
    # demo data (scripts/copy-assets.mjs), the built web app, and the image's entry point. No sources.
    mkdir -p "$to/deploy"
    cp "$from/package.json" "$from/package-lock.json" "$from/.npmrc" "$to/"
    rm -rf "$to/bin" "$to/dist" "$to/web/dist"
    cp -R "$from/bin" "$from/dist" "$to/"
    cp -R "$from/web/dist" "$to/web/dist"
    cp "$from/deploy/entrypoint.sh" "$from/deploy/healthcheck.cjs" "$to/deploy/"
    cd "$to"
    install production
    ;;
  *)
    echo "usage: scripts/image-build.sh build | runtime FROM TO" >&2
    exit 2
    ;;
esac
