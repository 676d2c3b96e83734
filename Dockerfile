# The server, the widget and the dashboard in one image (docs/deploy.md). Production uses MongoDB (MONGODB_URI) and,
# with more than one instance, Redis (REDIS_URL): the embedded database is not built into this image.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The widget is a workspace of the root package: npm ci needs its manifest.
COPY widget/package.json widget/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/examples ./examples
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
# Ready means the database answers and the instance is not draining: the proxy takes it out on 503.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node itself as PID 1's only child is fine: it handles SIGTERM (the drain) and exits 0.
STOPSIGNAL SIGTERM
CMD ["node", "dist/server/main.js"]
