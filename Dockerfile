# Lintas's container image: `docker build -t lintas .` (BuildKit, the default builder since Docker 23;
# on Docker 20.10, DOCKER_BUILDKIT=1). No `# syntax=` line on purpose: it would make BuildKit fetch its
# Dockerfile frontend from Docker Hub at every build, which a closed network cannot; the builder's own
# frontend reads RUN --mount. The base image is the only image fetched: NODE_IMAGE names another (a
# registry mirror, or one carrying a TLS-inspecting proxy's authority for npm ci).
# The steps are scripts/image-build.sh's, which test/image-build.test.ts also runs in a clean folder.
# Debian's glibc, not Alpine's musl: usearch's prebuilt binary is built for glibc only (on musl npm
# would compile it from source, with a compiler the image does not have), and sharp's and argon2's
# musl builds are separate packages we do not test on.
ARG NODE_IMAGE=node:20-bookworm-slim

# The build stage: every dependency (dev ones too), the compiled server and the built web app.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.npm sh scripts/image-build.sh build

# The runtime stage: the production dependencies (npm ci --omit=dev) and the built files, owned by
# root and run as the unprivileged `node` user, so the process cannot change its own code.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    LINTAS_DATA=/var/lib/lintas
WORKDIR /app
RUN --mount=type=bind,from=build,source=/src,target=/build sh /build/scripts/image-build.sh runtime /build /app \
 && mkdir -p /var/lib/lintas && chown node:node /var/lib/lintas
USER node
EXPOSE 8080
# /healthz: the process answers (over HTTPS when it serves HTTPS: deploy/healthcheck.cjs). Readiness (the database answers, every migration applied) is
# /readyz, which the reverse proxy asks before sending requests to a process.
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "/app/deploy/healthcheck.cjs"]
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["serve"]
