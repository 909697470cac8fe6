# syntax=docker/dockerfile:1

# --- build: install everything, compile, then drop dev dependencies ---
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# A `file:` dev dependency (the nest CLI's slice collection) must be present for npm ci to link it.
COPY schematics ./schematics
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# --- runtime: compiled code and production dependencies only, as a non-root user ---
# Nothing under /app is written at run time when DATABASE_URL is set, so the container runs with a
# read-only root filesystem (Kubernetes readOnlyRootFilesystem, compose read_only) and only /tmp
# writable. Without DATABASE_URL the embedded database needs EMBEDDED_DB_DIR on a writable volume.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# Numeric (the image's `node` user), so Kubernetes can verify runAsNonRoot without a passwd lookup.
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The same image runs the API (APP_ROLE=api), the queue workers (APP_ROLE=worker) and, with
# `node dist/platform/database/migrate.js`, the migration Job. A 16 MB semi-space: on a host with
# plenty of memory V8 sizes the young generation at 128 MB, which is resident memory and buys no
# throughput here (docs/performance.md, Memory).
CMD ["node", "--max-semi-space-size=16", "dist/main.js"]
