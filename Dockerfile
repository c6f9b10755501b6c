# syntax=docker/dockerfile:1
# govpulse image: server mode only (talks to a ClickHouse server, see docker-compose.yml), so it needs
# no libchdb. Build:  docker build --build-arg VERSION=$(git describe --tags --always --dirty) -t govpulse .

# --- front-end packages (ECharts), pinned by web/package-lock.json ------------------------------------
FROM node:22-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json web/.npmrc ./
RUN npm ci --ignore-scripts --no-audit --no-fund

# --- Go build ------------------------------------------------------------------------------------------
FROM golang:1.26-bookworm AS build
ARG VERSION=dev
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/web/node_modules ./web/node_modules
# purego loads libraries at run time, so no cgo is needed.
ENV CGO_ENABLED=0
RUN go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/govpulse ./cmd/govpulse

# --- runtime -------------------------------------------------------------------------------------------
FROM debian:bookworm-slim
RUN apt-get update \
	&& apt-get install -y --no-install-recommends ca-certificates tzdata \
	&& rm -rf /var/lib/apt/lists/* \
	&& groupadd --system --gid 10001 govpulse \
	&& useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home --shell /usr/sbin/nologin govpulse \
	&& mkdir -p /data \
	&& chown govpulse:govpulse /data
COPY --from=build /out/govpulse /usr/local/bin/govpulse
# ECharts for the dashboard: govpulse serves /static/vendor/ from web/node_modules beside its binary's
# parent directory (dashboard/assets.go), here /usr/local/web/node_modules.
COPY --from=web /src/web/node_modules /usr/local/web/node_modules
ENV GOVPULSE_DATA=/data \
	GOVPULSE_ADDR=:8080 \
	TZ=Asia/Ho_Chi_Minh
VOLUME ["/data"]
EXPOSE 8080
USER govpulse
WORKDIR /data
ENTRYPOINT ["/usr/local/bin/govpulse"]
CMD ["serve"]
