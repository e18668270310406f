# incident-response: the web site, REST API, Slack app and job worker in one process.
#
#   docker build -t incident-response .
#   docker run -p 3000:3000 -v ir-data:/data --env-file .env incident-response
#
# Two stages: `build` compiles the native module (better-sqlite3 builds from source when no
# prebuilt binary fits), compiles src/ into dist/ (scripts/build.mjs, esbuild) and drops dev
# dependencies; `runtime` gets only what runs, as a non-root user. The server runs dist/ as plain
# JavaScript (no transpiling at start); src/ comes too: the templates and static files are read
# from it, and the CLI runs its TypeScript through tsx.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# node-gyp's toolchain, for better-sqlite3.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/build.mjs ./scripts/build.mjs
COPY src ./src
# The gate (typecheck, lint, tests) is CI's; here only what runs is built and kept.
RUN node scripts/build.mjs
RUN npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_URL=sqlite:/data/incident-response.sqlite
WORKDIR /app
# Owned by root and read-only to the app: only /data is writable.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/dist ./dist
COPY --from=build /app/src ./src
COPY scripts/healthcheck.mjs ./scripts/healthcheck.mjs
# The SQLite database (with its -wal and -shm files) lives here; unused with a postgres:// DATABASE_URL.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
# The `node` user (uid 1000) of the official image.
USER node
EXPOSE 3000
# No curl in the slim image: node asks /healthz (database answers, job queue moving).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "scripts/healthcheck.mjs"]
# On SIGTERM the app stops taking requests, lets in-flight ones and running jobs finish (SHUTDOWN_TIMEOUT_MS), then exits 0.
STOPSIGNAL SIGTERM
# What `npm start` runs once dist/ is built (scripts/start.mjs), without npm in between, so the
# signal reaches node itself. dist/main.js turns source maps on: stack traces name the .ts files.
# The V8 flags are npm start's: a young generation of 2 x 4 MiB (V8's default grows to 2 x 16 MiB
# during start and keeps it, mostly empty), 2 GC threads, not 4, and WebAssembly (only Node's own:
# its CommonJS export lexer, fetch's HTTP parser) kept on V8's baseline compiler: without that, 9
# starts in 31 kept 8-10 MiB more at idle in a helper thread's malloc arena; with it, none of 20
# (docs/performance.md).
CMD ["node", "--max-semi-space-size=4", "--v8-pool-size=2", "--liftoff-only", "dist/main.js"]
