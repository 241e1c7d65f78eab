# research-log: the chat bots (`research-log serve`) in a container.
#   docker build -t research-log .
#   docker run --env-file .env -p 3000:3000 -v research-log-state:/var/lib/research-log research-log
#   docker stop -t 30 <container>   (the drain on SIGTERM takes up to SHUTDOWN_TIMEOUT_S, default 8 s)
# Build and run on the current Node.js LTS; the package itself supports Node >= 20.19.
# test/deploy/dockerfile.test.ts runs the same install, build and start commands on the host.

FROM node:26-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.app.json ./
COPY src ./src
RUN npx tsc -p tsconfig.app.json && npm prune --omit=dev --no-audit --no-fund && mkdir -p state && chmod 700 state

FROM node:26-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json manifest.yml ./
# The outbox journal: mount a volume here, or a restart loses acknowledged work that has not reached GitHub yet.
ENV STATE_DIR=/var/lib/research-log
COPY --from=build --chown=node:node /app/state /var/lib/research-log
VOLUME ["/var/lib/research-log"]
USER node
EXPOSE 3000
# GET /healthz answers whatever runs (Slack HTTP mode on its port; otherwise a small server on PORT); /readyz and /metrics beside it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/cli/main.js", "serve"]
