# Production image: the compiled server, production dependencies, migrations.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# A bounded old generation keeps resident memory flat under load (bench/README.md).
ENV NODE_OPTIONS=--max-old-space-size=256
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
COPY package.json ./
USER node
EXPOSE 3000
# Exec form: node itself is PID 1 and receives SIGTERM from `docker stop` (no shell in
# between to swallow it). PID 1 ignores signals it has no handler for; Byline installs its
# own (src/lifecycle/graceful-shutdown.ts) and spawns no children, so it needs no init.
# Give the container more than SHUTDOWN_GRACE_SECONDS to stop (docker stop -t, or
# stop_grace_period in docker-compose.yml), or the drain is cut by SIGKILL.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
