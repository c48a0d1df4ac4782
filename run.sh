#!/usr/bin/env bash
# Starts the service on http://127.0.0.1:5080 (ANALYTICS_URLS overrides) on the embedded ClickHouse engine,
# with the schema, a demo site (key "demo") and an admin token. Fetches what is missing first.
#   ./run.sh                 start the service
#   ./run.sh query "SQL"     read the stored data while the service is stopped (JSONEachRow)
#   ./run.sh backup DIR      save the database and the data directory's files into a new DIR (docs/operations.md)
#   ./run.sh restore DIR     bring a backup back into an empty database and data directory
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-node.sh
scripts/fetch-chdb.sh
export ANALYTICS_DATA_DIR="${ANALYTICS_DATA_DIR:-$PWD/.data}"
(umask 077; mkdir -p "$ANALYTICS_DATA_DIR") # URLs, visitor ids, salts: the owner's only
dotnet build src/Analytics.Api -c Release -nologo -v quiet -clp:ErrorsOnly
app=src/Analytics.Api/bin/Release/net10.0/Analytics.Api.dll

case "${1:-}" in
  query|backup|restore) exec dotnet "$app" "$@" ;;
esac

if [ ! -f tracker-js/dist/t.js ] || [ -n "$(find tracker-js/src -newer tracker-js/dist/t.js -print -quit)" ]; then
  (cd tracker-js && npm ci --no-audit --no-fund --loglevel=error && npm run build >/dev/null)
fi
# The dashboard at /: built again when its sources, config or lock changed.
dash=dashboards/web
if [ ! -f $dash/dist/index.html ] || [ -n "$(find $dash/src $dash/index.html $dash/package-lock.json $dash/vite.config.ts -newer $dash/dist/index.html -print -quit)" ]; then
  (cd $dash && npm ci --no-audit --no-fund --loglevel=error && npm run build >/dev/null)
fi

# GeoIP: the user's own MaxMind/GeoLite2 database when set; else the free DB-IP Lite country database
# (ANALYTICS_GEOIP_DATABASE=none: no geo fields at all).
if [ -z "${ANALYTICS_GEOIP_DATABASE:-}" ]; then
  ANALYTICS_GEOIP_DATABASE=$(scripts/fetch-geoip.sh) || ANALYTICS_GEOIP_DATABASE=""
elif [ "$ANALYTICS_GEOIP_DATABASE" = none ]; then
  ANALYTICS_GEOIP_DATABASE=""
fi
export ANALYTICS_GEOIP_DATABASE

if [ -z "${ANALYTICS_ADMIN_TOKEN:-}" ]; then
  token_file="$ANALYTICS_DATA_DIR/admin-token"
  if [ ! -s "$token_file" ]; then
    (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$token_file")
  fi
  ANALYTICS_ADMIN_TOKEN=$(cat "$token_file")
  export ANALYTICS_ADMIN_TOKEN
fi
url="${ANALYTICS_URLS:-http://127.0.0.1:5080}"
url="${url%%;*}"
engine="embedded ClickHouse (data in $ANALYTICS_DATA_DIR/clickhouse)"
[ -n "${ANALYTICS_CLICKHOUSE:-}" ] && engine="ClickHouse server ($ANALYTICS_CLICKHOUSE)"
cat <<TXT

  Analytics on $url — storage: $engine
  Dashboard:   $url/                (sign in with the one-time link printed below)
  Demo shop:   $url/demo/          (site key "demo"; its events appear below)
  Log in:      Authorization: Bearer $ANALYTICS_ADMIN_TOKEN   (admin; the token is in $ANALYTICS_DATA_DIR/admin-token)
  Try:         curl -H "Authorization: Bearer $ANALYTICS_ADMIN_TOKEN" "$url/api/events/recent?site=demo&limit=5"

TXT
export Sites__CreateDemoSite=true
export Demo__Seed="${Demo__Seed:-true}" # 30 days of generated history for the demo site, once (a marker in the data directory)
export Auth__SignInLinkAtStart=true # prints a one-time sign-in link for the admin once the schema is ready
exec dotnet "$app"
