# The rel image: what the CronJobs made by `rel schedule` run (`rel run-scheduled RELEASE --env ENV`), and the
# Jobs made by `rel deploy --detach` (`rel run-detached --from /etc/rel`, driving a canary or blue-green rollout).
#   docker build -t registry.example.com/rel:0.1.0 .
#   rel schedule shop --env prod --image registry.example.com/rel:0.1.0 --apply
#   rel deploy shop ./charts/shop -n prod --canary 10 --detach --detach-image registry.example.com/rel:0.1.0
# (or export REL_IMAGE=registry.example.com/rel:0.1.0 for both). Use the same rel version that starts the rollout.
# Stage 1 compiles TypeScript (dist/ is not in git) and writes the oclif manifest; stage 2 holds only the
# runtime dependencies and the compiled files. rel needs no helm or kubectl binary at run time.

FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
# tsc + the oclif manifest (npm run build also makes the `rel template` fast-path bundle from scripts/, which
# .dockerignore keeps out: bin/run.js then uses the oclif commands, as the Jobs do anyway).
RUN npx tsc -p tsconfig.build.json && npx oclif manifest

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY --from=build /src/oclif.manifest.json ./oclif.manifest.json
COPY bin ./bin
COPY plugins ./plugins
RUN chmod +x /app/bin/run.js && ln -s /app/bin/run.js /usr/local/bin/rel
# uid/gid 1000 ("node"), the user the scheduled-run and detached-rollout pods run as (runAsNonRoot).
USER node
ENTRYPOINT ["rel"]
CMD ["--help"]
