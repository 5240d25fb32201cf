# One image for every Chanjiao app: `docker run chanjiao <app>` or APP=<app>; compose passes the command.
# syntax=docker/dockerfile:1

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY libs libs
COPY apps apps
COPY scripts scripts
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# The heap cap every service runs with (serviceNodeFlags in libs/config/src/heap.ts).
ENV NODE_OPTIONS=--max-old-space-size=160
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules node_modules
COPY --from=build --chown=node:node /app/dist dist
USER node
ARG APP=enrollment
ENV APP=${APP}
EXPOSE 3001 3002 3003 3004 3005
# The command is the app's main module; compose sets it per service.
CMD ["sh", "-c", "exec node dist/apps/${APP}/src/main.js"]
