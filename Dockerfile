# Multi-stage build: compile with the full toolchain, run as a non-root user with only what is needed.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
# Every workspace's package.json first, so the dependency layer (with isolated-vm and better-sqlite3
# compiled by node-gyp) is cached until a manifest changes.
COPY nodes/sdk/package.json nodes/sdk/
COPY nodes/data/package.json nodes/data/
COPY nodes/sandbox/package.json nodes/sandbox/
COPY nodes/builtin/package.json nodes/builtin/
COPY nodes/create-node/package.json nodes/create-node/
COPY nodes/examples/jp-date/package.json nodes/examples/jp-date/
COPY server/package.json server/
COPY editor/package.json editor/
RUN npm ci --no-audit --no-fund
COPY nodes nodes
COPY server server
COPY editor editor
COPY templates templates
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production MEDFLOW_HOST=0.0.0.0 MEDFLOW_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app /app
RUN mkdir -p /data /models && chown -R node:node /data
USER node
EXPOSE 8080
CMD ["node", "server/dist/main.js"]
