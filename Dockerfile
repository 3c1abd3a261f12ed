# syntax=docker/dockerfile:1
# Multi-stage: build TypeScript with dev dependencies, run with production dependencies only.
# Node 24, the active LTS (Node 20 reached end of life in April 2026); CI runs the suite on it too.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY schema ./schema
RUN npm run build

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=4000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY schema ./schema
# The image needs no write access but for the embedded search read model (READ_MODEL_DIR,
# docs/search.md): keep it on a volume, or the fill starts again after every redeploy; with
# DATABASE_URL (or READ_MODEL=off) nothing is written. Run as the unprivileged user of the node image.
RUN mkdir -p /app/.data && chown node:node /app/.data
VOLUME ["/app/.data"]
USER node
EXPOSE 4000
# `docker stop` sends SIGTERM: the gateway drains HTTP, closes WebSockets with 1001 and exits 0
# within SHUTDOWN_TIMEOUT_MS (default 8 s, below Docker's 10 s before SIGKILL; docs/operations.md).
# Raise both together: SHUTDOWN_TIMEOUT_MS and `docker stop -t` / `stop_grace_period`.
# Production needs Gong credentials (GONG_ACCESS_KEY... or GONG_OAUTH_...): without them it
# refuses to start; `-e NODE_ENV=development` serves the embedded sandbox for a try.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# node itself is PID 1 (no npm/tsx wrapper) so SIGTERM reaches the gateway's handler directly.
CMD ["node", "dist/main.js"]
