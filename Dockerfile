# sandcheck as a container: `docker build -t sandcheck .`, then scan a folder read-only:
#   docker run --rm --read-only --cap-drop ALL --security-opt no-new-privileges \
#     --network none -v "$PWD:/scan:ro" sandcheck scan .
# The image is audited by sandcheck itself (test/workflow/dockerfile.test.ts).

# Pinned by digest (node:20-bookworm-slim); update the tag and digest together.
ARG NODE_IMAGE=node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY bin/ bin/
COPY scripts/ scripts/
COPY src/ src/
COPY rules/ rules/
RUN node scripts/build.mjs \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /opt/sandcheck
# Owned by root and not writable by the user that runs the scan.
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules/ node_modules/
COPY --from=build /src/bin/ bin/
COPY --from=build /src/dist/ dist/
COPY --from=build /src/rules/ rules/
USER 10001:10001
WORKDIR /scan
# A one-shot CLI: there is no service to probe.
HEALTHCHECK NONE
ENTRYPOINT ["node", "/opt/sandcheck/bin/sandcheck.js"]
CMD ["scan", "."]
