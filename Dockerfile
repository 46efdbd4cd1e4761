# Multi-stage build: compile with the full toolchain, run as a non-root user with only what is needed.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY nodes/sdk/package.json nodes/sdk/
COPY nodes/builtin/package.json nodes/builtin/
COPY server/package.json server/
RUN npm ci --no-audit --no-fund
COPY nodes nodes
COPY server server
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production MEDFLOW_HOST=0.0.0.0 MEDFLOW_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app /app
RUN mkdir -p /data /models && chown -R node:node /data
USER node
EXPOSE 8080
CMD ["node", "server/dist/main.js"]
