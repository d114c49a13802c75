# One image for both roles: `npm run api` or `npm run worker` (docker-compose.yml picks one).
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
COPY tsconfig.json ./
USER node
EXPOSE 4000
CMD ["npm", "start"]
