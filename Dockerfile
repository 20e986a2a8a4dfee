# Node 24: the current LTS (20 is past its end of life; the dependencies declare >= 22.15).
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY bin ./bin
COPY src ./src
COPY migrations ./migrations
COPY tsconfig.json schema.graphql ./
# `rebound classify` runs compiled (dist/classify.cjs); built here because the install above
# skips npm's prepare step and the node user may not write /app at run time.
RUN node bin/build-classify.js
EXPOSE 4000
USER node
# The same V8 flag as npm start: a larger young generation (see README, "Configuration").
CMD ["node", "--max-semi-space-size=64", "bin/rebound.js", "serve"]
