# One image for both roles: `npm run api` or `npm run worker` (docker-compose.yml picks one).
# The insight app (src/web) is built with the dev dependencies in a stage of its own.
FROM node:20-bookworm-slim AS app-build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY src/web ./src/web
RUN npm run app:build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# Dev dependencies are kept out; tsx (a runtime dependency) runs the TypeScript sources directly.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY src ./src
COPY schema ./schema
COPY models ./models
COPY jobs ./jobs
COPY bin ./bin
COPY --from=app-build /build/dist/app ./dist/app
COPY tsconfig.json ./
USER node
EXPOSE 4000
CMD ["npm", "start"]
