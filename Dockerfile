# syntax=docker/dockerfile:1
# Facet gateway image (default target) and the demo backends (target "demo", for compose.yaml).
# The gateway runs its TypeScript sources through tsx (a runtime dependency): no build step.

# --- dependencies: production only for the gateway ---------------------------------------------
FROM node:20-slim AS gateway-deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund

# --- dependencies: the demo backends also need the devDependencies (the ratings subgraph) -------
FROM node:20-slim AS demo-deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund

# --- the gateway ---------------------------------------------------------------------------------
FROM node:20-slim AS gateway
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000
WORKDIR /app
COPY --from=gateway-deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
# the demo configuration, as the default; mount your own folder on /config and pass --dir /config
COPY schema ./schema
COPY clients ./clients
COPY gateway.yaml ./
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# exec form: SIGTERM reaches the gateway, which drains (FACET_READINESS_DELAY_MS) and closes
CMD ["node", "bin/facet.js", "start", "--dir", "/app"]

# --- the demo backends (users, catalog, orders, recommendations, ratings) -----------------------
FROM node:20-slim AS demo
ENV DEMO_HOST=0.0.0.0
WORKDIR /app
COPY --from=demo-deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY demo ./demo
COPY schema ./schema
COPY src ./src
USER node
EXPOSE 4101 4102 4201 4202 4301
CMD ["node", "--import", "tsx", "demo/cli.ts"]

# the default target: `docker build .` builds the gateway
FROM gateway
