# pushguard: gRPC on 50051, metrics and health on 9464.
#
#   docker build -t pushguard .
#   docker run --rm -p 50051:50051 -p 9464:9464 pushguard
#
# The base image is pinned by exact version, the Node.js release the project
# is developed and tested on. Known gap: no digest yet, because this
# workplace cannot pull images to read one; CI with a Docker engine should
# append it (`docker buildx imagetools inspect node:20.20.2-bookworm-slim`)
# so a re-pushed tag cannot change the image silently. Every stage starts
# from `base`, so the pin is written once.
FROM node:20.20.2-bookworm-slim AS base

# --- build: full install (TypeScript and types), compile to dist/ ---------
FROM base AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- deps: production dependencies only, no install scripts ---------------
FROM base AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    && npm cache clean --force

# --- runtime: compiled code, production modules, proto and policies -------
FROM base AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Files stay owned by root and read-only to the service user: the process
# cannot rewrite its own code or policies.
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY proto ./proto
COPY policies ./policies
USER node
EXPOSE 50051 9464
# slim has no curl; Node 20 has fetch. Assumes the default
# PUSHGUARD_HTTP_ADDR port (9464); change both together.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:9464/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself for the graceful
# drain (no npm in between, which would not forward it reliably).
CMD ["node", "dist/src/cli/main.js", "serve"]
