#!/usr/bin/env bash
# deps.sh: fetch the things govpulse needs that are not Go modules.
#
#   scripts/deps.sh chdb        embedded ClickHouse engine (libchdb.so) into the per-user cache
#   scripts/deps.sh chdb-path   print where libchdb.so is expected (same rule as the Go code)
#   scripts/deps.sh web         front-end packages (ECharts) into web/node_modules
#   scripts/deps.sh chromium    Debian's chromium, for the browser tests only
#   scripts/deps.sh all         all of the above (a chromium failure is only a warning here)
#
# Several subcommands may be given at once (e.g. `deps.sh chdb web`). Every step is idempotent and
# returns at once when its result is already in place.
#
# Environment:
#   GOVPULSE_CHDB_LIB   path to an existing libchdb.so; when set, nothing is downloaded.
#   XDG_CACHE_HOME      cache root (default ~/.cache); libchdb goes to <root>/govpulse/chdb/<version>/.
set -euo pipefail

# --- pins -------------------------------------------------------------------------------------------
# To bump chDB: change both lines; the integrity is the "integrity" field of `npm pack --json <pkg>@<ver>`
# (or of `npm view <pkg>@<ver> dist.integrity`). The Go code derives the cache directory from the same
# version string, so keep it in step with the version constant in store/.
CHDB_PKG="@chdb/lib-linux-x64-gnu"
CHDB_VERSION="26.7.3-stable.1"
CHDB_INTEGRITY="sha512-XP97mMqnc5tZpKQywR8N7cLTsHNiTmHr30pC5mzo3jWmukjKn2IBa60c2B/gWUNcuFjOMjWoorQICCqBVj5wpw=="

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}"
CHDB_DIR="$CACHE_ROOT/govpulse/chdb/$CHDB_VERSION"
CHDB_LIB="$CHDB_DIR/libchdb.so"
CHDB_MARKER="$CHDB_DIR/.ok"

say()  { printf 'deps: %s\n' "$*"; }
warn() { printf 'deps: warning: %s\n' "$*" >&2; }
die()  { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

usage() {
	sed -n '2,15s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

need_npm() {
	if ! command -v npm >/dev/null 2>&1; then
		die "npm not found; it is needed to fetch $1. Install Node.js and npm (Debian/Ubuntu: apt-get install nodejs npm) and run this again."
	fi
}

# sha512 of a file as an npm/SRI integrity string: "sha512-" + base64(raw digest).
sri_sha512() {
	if command -v openssl >/dev/null 2>&1; then
		printf 'sha512-%s' "$(openssl dgst -sha512 -binary "$1" | base64 | tr -d '\n')"
	else
		node -e 'const c=require("crypto"),f=require("fs");const h=c.createHash("sha512");h.update(f.readFileSync(process.argv[1]));process.stdout.write("sha512-"+h.digest("base64"))' "$1"
	fi
}

chdb_cached() {
	[[ -s "$CHDB_LIB" && -f "$CHDB_MARKER" && "$(cat "$CHDB_MARKER" 2>/dev/null)" == "$CHDB_INTEGRITY" ]]
}

# --- chdb -------------------------------------------------------------------------------------------
deps_chdb() {
	if [[ -n "${GOVPULSE_CHDB_LIB:-}" ]]; then
		if [[ -f "$GOVPULSE_CHDB_LIB" ]]; then
			say "libchdb: using GOVPULSE_CHDB_LIB=$GOVPULSE_CHDB_LIB (nothing fetched)"
			return 0
		fi
		if [[ "$GOVPULSE_CHDB_LIB" != "$CHDB_LIB" ]]; then
			die "GOVPULSE_CHDB_LIB=$GOVPULSE_CHDB_LIB does not exist; point it at a libchdb.so or unset it to let this script fetch $CHDB_PKG@$CHDB_VERSION"
		fi
	fi

	if chdb_cached; then
		say "libchdb $CHDB_VERSION ok (cached)"
		say "libchdb path $CHDB_LIB"
		return 0
	fi

	case "$(uname -s)/$(uname -m)" in
	Linux/x86_64 | Linux/amd64) ;;
	*) die "libchdb: no pinned package for $(uname -s)/$(uname -m) (only linux x86_64 is pinned); build or fetch libchdb.so yourself and set GOVPULSE_CHDB_LIB to its path" ;;
	esac
	need_npm "the embedded ClickHouse engine ($CHDB_PKG)"
	command -v tar >/dev/null 2>&1 || die "tar not found; install tar (Debian: apt-get install tar)"

	mkdir -p "$CHDB_DIR"
	# One fetch at a time per cache dir (parallel `make` runs, several terminals).
	if command -v flock >/dev/null 2>&1; then
		exec 9>"$CHDB_DIR/.lock"
		if ! flock -n 9; then
			say "libchdb: another deps.sh is fetching $CHDB_VERSION, waiting"
			flock 9
		fi
		if chdb_cached; then
			say "libchdb $CHDB_VERSION ok (fetched by another process)"
			say "libchdb path $CHDB_LIB"
			return 0
		fi
		# Holding the lock: leftovers of an interrupted fetch (killed process) are ours to remove.
		rm -rf "$CHDB_DIR"/.fetch.* "$CHDB_DIR"/.libchdb.so.part.* "$CHDB_DIR"/.ok.part.*
	fi

	# The tarball (~180 MB) goes next to the cache, not to /tmp (often a small tmpfs).
	local tmp start
	tmp="$(mktemp -d "$CHDB_DIR/.fetch.XXXXXX")"
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" EXIT
	rm -f "$CHDB_MARKER"

	start=$SECONDS
	say "libchdb $CHDB_VERSION: fetching $CHDB_PKG@$CHDB_VERSION with npm pack (~180 MB)"
	if ! (cd "$tmp" && npm pack "$CHDB_PKG@$CHDB_VERSION" --pack-destination "$tmp" --loglevel=error >"$tmp/pack.log" 2>&1); then
		cat "$tmp/pack.log" >&2 || true
		die "libchdb: npm pack $CHDB_PKG@$CHDB_VERSION failed (see above); check that npm can reach its registry"
	fi
	local tgz
	tgz="$(find "$tmp" -maxdepth 1 -name '*.tgz' -print -quit)"
	[[ -n "$tgz" ]] || die "libchdb: npm pack produced no tarball"

	local got
	got="$(sri_sha512 "$tgz")"
	if [[ "$got" != "$CHDB_INTEGRITY" ]]; then
		rm -f "$tgz"
		printf 'deps: error: libchdb: integrity mismatch for %s@%s, refusing to use it (tarball deleted)\n  expected %s\n  got      %s\n' \
			"$CHDB_PKG" "$CHDB_VERSION" "$CHDB_INTEGRITY" "$got" >&2
		exit 1
	fi

	local part="$CHDB_DIR/.libchdb.so.part.$$"
	if ! tar -xzf "$tgz" -O package/libchdb.so >"$part" || [[ ! -s "$part" ]]; then
		rm -f "$part"
		die "libchdb: package/libchdb.so not found in the tarball"
	fi
	rm -f "$tgz"
	chmod 0755 "$part"
	mv -f "$part" "$CHDB_LIB"
	printf '%s\n' "$CHDB_INTEGRITY" >"$CHDB_MARKER.part.$$"
	mv -f "$CHDB_MARKER.part.$$" "$CHDB_MARKER"
	rm -rf "$tmp"
	trap - EXIT

	say "libchdb $CHDB_VERSION ok (fetched and verified in $((SECONDS - start))s)"
	say "libchdb path $CHDB_LIB"
}

# --- web --------------------------------------------------------------------------------------------
deps_web() {
	local dir="$ROOT/web"
	[[ -f "$dir/package.json" && -f "$dir/package-lock.json" ]] || die "web: $dir/package.json or package-lock.json missing"
	# The stamp holds the sha256 of the lock file that was installed: a changed lock (even one
	# rewritten by `npm install --package-lock-only`, which also touches npm's own hidden lock)
	# re-installs, an unchanged one costs nothing.
	local stamp="$dir/node_modules/.govpulse-lock.sha256" want
	want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
	if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
		say "web packages ok (cached)"
		return 0
	fi
	need_npm "the dashboard's front-end packages (web/package.json)"
	say "web: npm ci in web/"
	(cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) || die "web: npm ci failed (see above)"
	echo "$want" >"$stamp"
	say "web packages ok (installed)"
}

# --- chromium ---------------------------------------------------------------------------------------
deps_chromium() {
	if command -v chromium >/dev/null 2>&1 || [[ -x /usr/bin/chromium ]]; then
		say "chromium ok"
		return 0
	fi
	if ! command -v apt-get >/dev/null 2>&1; then
		warn "chromium not found and apt-get is not available; install Chromium (Debian package 'chromium') for the browser tests"
		return 1
	fi
	local -a sudo=()
	if [[ "$(id -u)" != 0 ]]; then
		if command -v sudo >/dev/null 2>&1; then
			sudo=(sudo)
		else
			warn "chromium not found; as root run: apt-get install -y --no-install-recommends chromium"
			return 1
		fi
	fi
	say "chromium: installing Debian package chromium (browser tests only)"
	local -a install=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium)
	if ! "${install[@]}"; then
		say "chromium: install failed, refreshing package lists and retrying"
		if ! "${sudo[@]}" apt-get update -q || ! "${install[@]}"; then
			warn "chromium could not be installed; browser tests will be skipped or fail. Install the Debian package 'chromium' by hand."
			return 1
		fi
	fi
	say "chromium ok (installed)"
}

# --- main -------------------------------------------------------------------------------------------
[[ $# -gt 0 ]] || { usage; exit 2; }
for cmd in "$@"; do
	case "$cmd" in
	chdb) deps_chdb ;;
	chdb-path) printf '%s\n' "$CHDB_LIB" ;;
	web) deps_web ;;
	chromium) deps_chromium ;;
	all)
		deps_chdb
		deps_web
		deps_chromium || warn "continuing without chromium (only the browser tests need it)"
		;;
	-h | --help | help) usage ;;
	*)
		printf 'deps: unknown subcommand %q\n\n' "$cmd" >&2
		usage >&2
		exit 2
		;;
	esac
done
