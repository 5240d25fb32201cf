# syntax=docker/dockerfile:1
# One image for every Chanjiao app: `docker run chanjiao <app>` or APP=<app>; compose passes the command.
# Node 24, the active LTS, in every stage (package.json `engines` admits it; README, Deployment).

# Compiles TypeScript and bundles the dashboard (dist/dashboard) with the dev dependencies; none of it ships.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY libs libs
COPY apps apps
COPY scripts scripts
RUN npm run build

# Production dependencies only. --omit=optional as well: TypeScript (an optional peer of @nestjs/swagger) and gRPC (of
# @nestjs/microservices, unused) are flagged devOptional in the lock and --omit=dev alone would install them.
# --ignore-scripts: no production dependency needs an install script (test/deploy/image.spec.ts checks both).
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:24-bookworm-slim
ENV NODE_ENV=production
# The heap cap every service runs with (serviceNodeFlags in libs/config/src/heap.ts).
ENV NODE_OPTIONS=--max-old-space-size=160
WORKDIR /app
COPY --from=deps --chown=node:node /app/package.json ./
COPY --from=deps --chown=node:node /app/node_modules node_modules
COPY --from=build --chown=node:node /app/dist dist
USER node
ARG APP=enrollment
ENV APP=${APP}
EXPOSE 3001 3002 3003 3004 3005
# Readiness of the app on PORT (else APP's default port): scripts/healthcheck.ts.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["node", "dist/scripts/healthcheck.js"]
# The command is the app's main module; compose sets it per service.
CMD ["sh", "-c", "exec node dist/apps/${APP}/src/main.js"]
