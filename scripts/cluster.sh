#!/usr/bin/env bash
# A local ClickHouse cluster for tests (issue 21): 2 shards x 2 replicas of Debian's clickhouse-server (18.16) plus
# Debian's ZooKeeper, all on their own ports, everything (configs, data, logs, pid files) under one state directory.
#
#   scripts/cluster.sh start    # start ZooKeeper and the 4 nodes, wait until each answers; prints the connection
#   scripts/cluster.sh status   # which processes run, and what each node says
#   scripts/cluster.sh stop     # stop exactly the processes this script started (by their pid files)
#   scripts/cluster.sh test     # start, run the server-engine tests in cluster mode against it, stop
#   scripts/cluster.sh smoke    # the service on the running cluster: an import, rows per shard and replica, a report
#
# Settings (environment): CLUSTER_DIR (/tmp/analytics-cluster), CLUSTER_BASE_PORT (19100: ZooKeeper on BASE,
# node i (1..4) HTTP on BASE+10+i, native TCP on BASE+20+i, interserver on BASE+30+i), CLUSTER_NAME (analytics).
# Node 1 = shard 1 replica 1, node 2 = shard 1 replica 2, node 3 = shard 2 replica 1, node 4 = shard 2 replica 2.
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=${CLUSTER_DIR:-/tmp/analytics-cluster}
BASE=${CLUSTER_BASE_PORT:-19100}
NAME=${CLUSTER_NAME:-analytics}
BINARY=/usr/sbin/clickhouse-server
ZK_PORT=$BASE
NODES=(1 2 3 4)
http_port() { echo $((BASE + 10 + $1)); }
tcp_port() { echo $((BASE + 20 + $1)); }
interserver_port() { echo $((BASE + 30 + $1)); }
shard_of() { echo $(( ($1 + 1) / 2 )); }
replica_of() { echo $(( ($1 + 1) % 2 + 1 )); }

log() { echo "cluster.sh: $*" >&2; }

ensure_tools() {
  local need=()
  [ -x "$BINARY" ] || need+=(clickhouse-server)
  [ -f /usr/share/java/zookeeper.jar ] || need+=(zookeeper)
  command -v java >/dev/null || need+=(default-jre-headless)
  [ ${#need[@]} -eq 0 ] && return 0
  log "installing from Debian: ${need[*]} …"
  local sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
}

# A pid file names a process of ours only while that process still runs the command we started (pids are reused).
alive() {
  local pidfile=$1 pattern=$2 pid
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$pattern"
}

write_zookeeper_config() {
  mkdir -p "$DIR/zookeeper/data" "$DIR/zookeeper/logs"
  cat >"$DIR/zookeeper/zoo.cfg" <<EOF
tickTime=500
initLimit=10
syncLimit=5
dataDir=$DIR/zookeeper/data
clientPortAddress=127.0.0.1
clientPort=$ZK_PORT
maxClientCnxns=0
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr,stat
autopurge.purgeInterval=1
# A throwaway test cluster: no fsync per transaction (each replicated table's creation is dozens of them).
forceSync=no
EOF
  cat >"$DIR/zookeeper/log4j.properties" <<EOF
log4j.rootLogger=WARN, FILE
log4j.appender.FILE=org.apache.log4j.FileAppender
log4j.appender.FILE.File=$DIR/zookeeper/logs/zookeeper.log
log4j.appender.FILE.layout=org.apache.log4j.PatternLayout
log4j.appender.FILE.layout.ConversionPattern=%d{ISO8601} %-5p %c: %m%n
EOF
}

remote_servers() {
  local shard node
  echo "<remote_servers><$NAME>"
  for shard in 1 2; do
    echo "<shard><internal_replication>true</internal_replication>"
    for node in $((shard * 2 - 1)) $((shard * 2)); do
      echo "<replica><host>127.0.0.1</host><port>$(tcp_port "$node")</port></replica>"
    done
    echo "</shard>"
  done
  echo "</$NAME></remote_servers>"
}

write_node_config() {
  local node=$1 d="$DIR/node$1"
  mkdir -p "$d/data" "$d/tmp" "$d/user_files" "$d/format_schemas" "$d/logs"
  cat >"$d/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$d/logs/server.log</log><errorlog>$d/logs/error.log</errorlog><size>20M</size><count>1</count></logger>
  <http_port>$(http_port "$node")</http_port>
  <tcp_port>$(tcp_port "$node")</tcp_port>
  <interserver_http_port>$(interserver_port "$node")</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <listen_host>127.0.0.1</listen_host>
  <path>$d/data/</path>
  <tmp_path>$d/tmp/</tmp_path>
  <user_files_path>$d/user_files/</user_files_path>
  <format_schema_path>$d/format_schemas/</format_schema_path>
  <users_config>users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>134217728</mark_cache_size>
  <uncompressed_cache_size>134217728</uncompressed_cache_size>
  <max_concurrent_queries>200</max_concurrent_queries>
  $(remote_servers)
  <zookeeper><node><host>127.0.0.1</host><port>$ZK_PORT</port></node><session_timeout_ms>30000</session_timeout_ms></zookeeper>
  <macros><cluster>$NAME</cluster><shard>0$(shard_of "$node")</shard><replica>s$(shard_of "$node")r$(replica_of "$node")</replica></macros>
  <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
</yandex>
EOF
  cat >"$d/users.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage><log_queries>0</log_queries></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
EOF
}

start_node() {
  (
    cd "$DIR/node$1"
    nohup "$BINARY" --config-file="$DIR/node$1/config.xml" >"$DIR/node$1/logs/stdout.log" 2>&1 &
    echo $! >"$DIR/node$1/pid"
  )
}

query() { # node sql
  curl -sS --max-time 10 "http://127.0.0.1:$(http_port "$1")/" --data-binary "$2"
}

start() {
  ensure_tools
  # Always a fresh cluster when nothing of it runs: restarted on its old data, ZooKeeper 3.8 here answered
  # 18.16's handshake with a closed connection ("Cannot read all data … while receiving handshake from ZooKeeper").
  # The old state is moved aside and deleted in the background (tens of thousands of files after a test run).
  if [ -d "$DIR" ] && ! status >/dev/null 2>&1 && ! alive "$DIR/zookeeper/pid" "$DIR/zookeeper/zoo.cfg"; then
    stop >/dev/null 2>&1
    local old="$DIR.old.$$"
    mv "$DIR" "$old" && (nohup rm -rf "$old" >/dev/null 2>&1 &)
    log "starting a fresh cluster (the previous state goes to $old, deleted in the background)"
  fi
  mkdir -p "$DIR"
  if alive "$DIR/zookeeper/pid" "$DIR/zookeeper/zoo.cfg"; then
    log "zookeeper already runs (pid $(cat "$DIR/zookeeper/pid"))"
  else
    write_zookeeper_config
    # The server class alone (no zkServer.sh): it runs in the foreground of our own background job, with our pid file.
    nohup java -Xmx256m -Dzookeeper.log.dir="$DIR/zookeeper/logs" -Dlog4j.configuration="file:$DIR/zookeeper/log4j.properties" \
      -cp /usr/share/java/zookeeper.jar org.apache.zookeeper.server.ZooKeeperServerMain "$DIR/zookeeper/zoo.cfg" \
      >"$DIR/zookeeper/logs/stdout.log" 2>&1 &
    echo $! >"$DIR/zookeeper/pid"
  fi
  local deadline=$((SECONDS + 60))
  until [ "$( (exec 3<>/dev/tcp/127.0.0.1/"$ZK_PORT" && printf ruok >&3 && timeout 2 cat <&3) 2>/dev/null)" = imok ]; do
    [ $SECONDS -lt $deadline ] || { log "zookeeper did not answer on $ZK_PORT within 60 s"; tail -20 "$DIR/zookeeper/logs/"*.log >&2; exit 1; }
    alive "$DIR/zookeeper/pid" "$DIR/zookeeper/zoo.cfg" || { log "zookeeper exited"; tail -20 "$DIR/zookeeper/logs/"*.log >&2; exit 1; }
    sleep 0.3
  done

  local node
  for node in "${NODES[@]}"; do
    if alive "$DIR/node$node/pid" "$DIR/node$node/config.xml"; then
      log "node $node already runs (pid $(cat "$DIR/node$node/pid"))"
      continue
    fi
    write_node_config "$node"
    start_node "$node"
  done
  local retried
  for node in "${NODES[@]}"; do
    deadline=$((SECONDS + 90)) retried=0
    until [ "$(query "$node" "SELECT 1" 2>/dev/null)" = 1 ]; do
      [ $SECONDS -lt $deadline ] || { log "node $node did not answer on $(http_port "$node") within 90 s"; tail -20 "$DIR/node$node/logs/error.log" >&2; exit 1; }
      if ! alive "$DIR/node$node/pid" "$DIR/node$node/config.xml"; then
        # Seen once: a node that started while ZooKeeper was still loading its data gave up on the handshake.
        [ $retried = 0 ] || { log "node $node exited"; tail -20 "$DIR/node$node/logs/error.log" >&2; exit 1; }
        log "node $node exited at start; starting it once more"; retried=1; sleep 2; start_node "$node"
      fi
      sleep 0.3
    done
  done
  # Every node must reach ZooKeeper before ON CLUSTER DDL can run.
  for node in "${NODES[@]}"; do
    deadline=$((SECONDS + 60))
    until query "$node" "SELECT count() FROM system.zookeeper WHERE path = '/'" >/dev/null 2>&1; do
      [ $SECONDS -lt $deadline ] || { log "node $node cannot reach zookeeper"; exit 1; }
      sleep 0.3
    done
  done
  log "cluster '$NAME' is up: 2 shards x 2 replicas, nodes on HTTP ports $(http_port 1)-$(http_port 4), zookeeper on $ZK_PORT"
  echo "ANALYTICS_CLICKHOUSE='Host=127.0.0.1;Port=$(http_port 1);Username=default;Password=' Storage__Cluster=$NAME"
}

stop_one() { # pidfile pattern label
  local pidfile=$1 pattern=$2 label=$3 pid i
  if ! alive "$pidfile" "$pattern"; then rm -f "$pidfile"; return 0; fi
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do alive "$pidfile" "$pattern" || break; sleep 0.1; done
  if alive "$pidfile" "$pattern"; then log "$label (pid $pid) did not stop in 10 s: killing it"; kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$pidfile"
  log "stopped $label (pid $pid)"
}

stop() {
  local node
  lb_stop
  for node in "${NODES[@]}"; do stop_one "$DIR/node$node/pid" "$DIR/node$node/config.xml" "node $node"; done
  stop_one "$DIR/zookeeper/pid" "$DIR/zookeeper/zoo.cfg" zookeeper
}

status() {
  local node rc=0
  if alive "$DIR/zookeeper/pid" "$DIR/zookeeper/zoo.cfg"; then echo "zookeeper  pid $(cat "$DIR/zookeeper/pid")  port $ZK_PORT"; else echo "zookeeper  stopped"; rc=1; fi
  for node in "${NODES[@]}"; do
    if alive "$DIR/node$node/pid" "$DIR/node$node/config.xml"; then
      echo "node $node     pid $(cat "$DIR/node$node/pid")  http $(http_port "$node")  shard $(shard_of "$node") replica $(replica_of "$node")  $(query "$node" "SELECT version()" 2>/dev/null || echo 'not answering')"
    else
      echo "node $node     stopped"; rc=1
    fi
  done
  return $rc
}

# The server-engine test classes (their names end in "Server": FooTestsServer, SignInApiServer …) against the
# cluster: each class in a database of its own, created ON CLUSTER, with Storage__Cluster set. Faults/ is left out:
# those tests start, kill and restart their own single servers.
run_tests() {
  local filter=${CLUSTER_TEST_FILTER:-"FullyQualifiedName~Server.&FullyQualifiedName!~Analytics.Tests.Faults."} rc=0
  dotnet build Analytics.sln -c Release -nologo -v quiet -clp:ErrorsOnly
  ddl_watchdog &
  local watchdog=$!
  ANALYTICS_TEST_CLUSTER="127.0.0.1:$(http_port 1)" ANALYTICS_TEST_CLUSTER_NAME="$NAME" \
    timeout -k 30 40m dotnet test tests/Analytics.Tests -c Release --no-build -nologo \
      --filter "$filter" --blame-hang-timeout 8m --blame-hang-dump-type none "$@" || rc=$?
  kill "$watchdog" 2>/dev/null || true
  wait "$watchdog" 2>/dev/null || true
  return $rc
}

# ClickHouse 18.16's distributed DDL worker can die on a ZooKeeper race ("Unexpected ZooKeeper error … Terminating",
# docs/cluster.md): the node keeps answering queries but runs no ON CLUSTER statement any more, and every later one
# waits 180 s for it. While the tests run, this watches each node's error log and restarts a node whose DDL worker
# died (its own pid file); the restarted node works off the DDL queue. Each restart is logged.
ddl_watchdog() {
  local node seen=() lines
  for node in "${NODES[@]}"; do seen[node]=$(cat "$DIR/node$node/logs/error.log" 2>/dev/null | wc -l); done
  while sleep 5; do
    for node in "${NODES[@]}"; do
      lines=$(cat "$DIR/node$node/logs/error.log" 2>/dev/null | wc -l)
      [ "$lines" -gt "${seen[node]}" ] || continue
      if tail -n +$((seen[node] + 1)) "$DIR/node$node/logs/error.log" | grep -qE 'DDLWorker.*(Terminating|Unexpected ZooKeeper error)'; then
        log "node $node: the distributed DDL worker died ($(tail -n +$((seen[node] + 1)) "$DIR/node$node/logs/error.log" | grep -E 'DDLWorker' | head -1 | cut -c1-200)); restarting the node"
        stop_one "$DIR/node$node/pid" "$DIR/node$node/config.xml" "node $node"
        start_node "$node"
        local deadline=$((SECONDS + 90))
        until [ "$(query "$node" "SELECT 1" 2>/dev/null)" = 1 ] || [ $SECONDS -ge $deadline ]; do sleep 0.5; done
        log "node $node restarted (pid $(cat "$DIR/node$node/pid"))"
        lines=$(cat "$DIR/node$node/logs/error.log" 2>/dev/null | wc -l)
      fi
      seen[node]=$lines
    done
  done
}

# The real service on the cluster, end to end: a site, SMOKE_EVENTS imported pageviews of SMOKE_VISITORS visitors
# (with identify events linking half of them, in pairs, to customers), rows per shard and replica, and the overview
# report, which must count every pageview and every person once.
smoke() {
  local dll=${SMOKE_DLL:-src/Analytics.Api/bin/Release/net10.0/Analytics.Api.dll}
  [ -f "$dll" ] || dotnet build src/Analytics.Api -c Release -nologo -v quiet -clp:ErrorsOnly
  local events=${SMOKE_EVENTS:-20000} visitors=${SMOKE_VISITORS:-1000} port=$((BASE + 50)) token=cluster-smoke-token-0123456789
  local db="smoke_$(date +%s)" d="$DIR/smoke"
  mkdir -p "$d"
  ANALYTICS_CLICKHOUSE="Host=127.0.0.1;Port=$(http_port 1);Username=default;Password=" Storage__Cluster=$NAME Storage__Database=$db \
    ANALYTICS_DATA_DIR="$d/data" ANALYTICS_ADMIN_TOKEN=$token ANALYTICS_URLS="http://127.0.0.1:$port" Ingestion__RateLimitPerSecond=0 \
    Sessions__RefreshDelay=00:00:01 nohup dotnet "$dll" >"$d/service.log" 2>&1 &
  echo $! >"$d/pid"
  local started=$SECONDS
  until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
    alive "$d/pid" "$dll" || { log "the service exited"; tail -20 "$d/service.log" >&2; return 1; }
    [ $((SECONDS - started)) -lt 180 ] || { log "the service was not ready in 180 s"; stop_one "$d/pid" "$dll" service; return 1; }
    sleep 0.5
  done
  log "service ready on the cluster in $((SECONDS - started)) s (database $db: migrations ON CLUSTER)"
  local auth="Authorization: Bearer $token"
  local key
  key=$(curl -sf -H "$auth" -H 'Content-Type: application/json' "http://127.0.0.1:$port/api/sites" \
    -d '{"name":"Cluster smoke","domains":["shop.example"]}' | sed -E 's/.*"key":"([^"]+)".*/\1/')
  local now_ms=$(( $(date +%s) * 1000 ))
  awk -v n="$events" -v v="$visitors" -v now="$now_ms" 'BEGIN {
    for (i = 0; i < n; i++) {
      vid = "vis-" (i % v); ts = now - 3600000 * 24 + int(i * 3600000 * 23 / n)
      printf "{\"type\":\"pageview\",\"ts\":%.0f,\"url\":\"https://shop.example/p/%d\",\"vid\":\"%s\",\"consent\":{\"analytics\":true,\"marketing\":false},\"ip\":\"81.2.69.%d\",\"user_agent\":\"Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0\"}\n", ts, i % 50, vid, i % 250
    }
    for (i = 0; i < v / 2; i++)
      printf "{\"type\":\"identify\",\"ts\":%.0f,\"url\":\"https://shop.example/\",\"vid\":\"vis-%d\",\"customer_id\":\"C-%d\",\"consent\":{\"analytics\":true,\"marketing\":false},\"ip\":\"81.2.69.1\",\"user_agent\":\"Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0\"}\n", now - 60000, i, int(i / 2)
  }' >"$d/events.ndjson"
  local t0 t1
  t0=$(date +%s.%N)
  curl -sf -H "$auth" -H 'Content-Type: application/x-ndjson' --data-binary @"$d/events.ndjson" "http://127.0.0.1:$port/api/import/events?site=$key" >"$d/import.json"
  t1=$(date +%s.%N)
  log "import: $(cat "$d/import.json" | cut -c1-120) in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s"
  local expected=$((events + visitors / 2)) stored=0 waited=$SECONDS
  until [ "$stored" -ge "$expected" ] || [ $((SECONDS - waited)) -ge 60 ]; do
    stored=$(query 1 "SELECT count() FROM $db.events")
    sleep 0.2
  done
  log "stored: $stored of $expected rows (through the Distributed table)"
  local node
  for node in "${NODES[@]}"; do
    log "node $node (shard $(shard_of "$node") replica $(replica_of "$node")): events_local $(query "$node" "SELECT count() FROM $db.events_local"), identity_links $(query "$node" "SELECT count() FROM $db.identity_links")"
  done
  local from to
  from=$(date -u -d '2 days ago' +%F); to=$(date -u -d tomorrow +%F)
  t0=$(date +%s.%N)
  curl -sf -H "$auth" "http://127.0.0.1:$port/api/reports/overview?site=$key&from=$from&to=$to" | cut -c1-160 >"$d/overview.json"
  t1=$(date +%s.%N)
  log "overview ($(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s): $(cat "$d/overview.json")"
  log "expected: pageviews $events, visitors (persons) $((visitors - visitors / 4))"
  stop_one "$d/pid" "$dll" service
  query 1 "DROP DATABASE IF EXISTS $db ON CLUSTER $NAME" >/dev/null
}

# --- Two ingestion nodes behind one address (haproxy), for the failover bench and the soak -----------------------
# Service node s (1, 2) listens on BASE+60+s and talks to ClickHouse node s (both replicas of shard 1: each has a local
# replica of shard 1 and reaches shard 2 through its Distributed table). The load balancer listens on BASE+60.
# Each service has its own data directory (spool, dead letters); the cookie keys, the daily salts, the audit key and
# the admin token are shared, so any node answers any request: round robin, no stickiness.
LB_DIR="$DIR/lb"
LB_PORT=$((BASE + 60))
LB_TOKEN=${LB_TOKEN:-cluster-lb-admin-token-0123456789}
SERVICE_DLL=${SERVICE_DLL:-src/Analytics.Api/bin/Release/net10.0/Analytics.Api.dll}
svc_port() { echo $((BASE + 60 + $1)); }

ensure_haproxy() {
  command -v haproxy >/dev/null && return 0
  log "installing from Debian: haproxy …"
  local sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq haproxy >/dev/null
}

svc_start() { # s: start service node s on the running cluster (its database: $LB_DIR/database) and wait for /readyz
  local s=$1 d="$LB_DIR/svc$1" db
  db=$(cat "$LB_DIR/database")
  if alive "$d/pid" "$SERVICE_DLL"; then log "service $s already runs (pid $(cat "$d/pid"))"; return 0; fi
  mkdir -p "$d/data" "$LB_DIR/shared/keys" "$LB_DIR/shared/salts"
  local lines; lines=$(cat "$d/service.log" 2>/dev/null | wc -l)
  # env: a configuration key with a dot (the ingestion's log category) is no shell variable name.
  env "Logging__LogLevel__Analytics.Ingestion=Information" ANALYTICS_CLICKHOUSE="Host=127.0.0.1;Port=$(http_port "$s");Username=default;Password=" Storage__Cluster=$NAME Storage__Database=$db \
    ANALYTICS_DATA_DIR="$d/data" ANALYTICS_ADMIN_TOKEN=$LB_TOKEN ANALYTICS_URLS="http://127.0.0.1:$(svc_port "$s")" \
    Auth__KeysDirectory="$LB_DIR/shared/keys" Enrichment__SaltsDirectory="$LB_DIR/shared/salts" \
    Privacy__AuditKey=cluster-lb-audit-key-0123456789abcdef0123456789 Ingestion__RateLimitPerSecond=0 \
    Logging__LogLevel__Default=Warning nohup dotnet "$SERVICE_DLL" >>"$d/service.log" 2>&1 &
  echo $! >"$d/pid"
  local started=$SECONDS
  until curl -sf "http://127.0.0.1:$(svc_port "$s")/readyz" >/dev/null 2>&1; do
    alive "$d/pid" "$SERVICE_DLL" || { log "service $s exited"; tail -20 "$d/service.log" >&2; return 1; }
    [ $((SECONDS - started)) -lt 180 ] || { log "service $s was not ready in 180 s"; return 1; }
    sleep 0.3
  done
  local spooled; spooled=$(tail -n +$((lines + 1)) "$d/service.log" | grep -o 'Spool holds [0-9]* rows from an earlier run' | head -1 || true)
  log "service $s (pid $(cat "$d/pid")) ready on $(svc_port "$s") in $((SECONDS - started)) s, ClickHouse node $s${spooled:+; $spooled}"
}

svc_kill() { # s: kill -9, as a crash (the spool stays as it is)
  local d="$LB_DIR/svc$1"
  alive "$d/pid" "$SERVICE_DLL" || { log "service $1 does not run"; return 0; }
  kill -KILL "$(cat "$d/pid")"; log "killed service $1 (pid $(cat "$d/pid")) with SIGKILL"; rm -f "$d/pid"
}

ch_stop() { stop_one "$DIR/node$1/pid" "$DIR/node$1/config.xml" "node $1"; }
ch_start() { # node: start a stopped ClickHouse node again on its data and wait until it answers
  local node=$1 deadline=$((SECONDS + 90))
  alive "$DIR/node$node/pid" "$DIR/node$node/config.xml" && return 0
  start_node "$node"
  until [ "$(query "$node" "SELECT 1" 2>/dev/null)" = 1 ]; do
    [ $SECONDS -lt $deadline ] || { log "node $node did not answer within 90 s"; return 1; }
    sleep 0.3
  done
  log "node $node (pid $(cat "$DIR/node$node/pid")) answers again"
}

lb_start() { # a fresh database, the two services one after the other (the first applies the migrations), haproxy
  ensure_haproxy
  [ -f "$SERVICE_DLL" ] || dotnet build src/Analytics.Api -c Release -nologo -v quiet -clp:ErrorsOnly
  mkdir -p "$LB_DIR"
  [ -f "$LB_DIR/database" ] && alive "$LB_DIR/svc1/pid" "$SERVICE_DLL" || echo "lb_$(date +%s)" >"$LB_DIR/database"
  svc_start 1
  svc_start 2
  cat >"$LB_DIR/haproxy.cfg" <<EOF
global
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  timeout http-keep-alive 10s
  # A refused connection (a node that is down) is tried again on the other node; a request a node took is never resent.
  retries 3
  option redispatch 1
frontend analytics
  bind 127.0.0.1:$LB_PORT
  default_backend services
backend services
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter 1s fall 2 rise 2
  server svc1 127.0.0.1:$(svc_port 1) check
  server svc2 127.0.0.1:$(svc_port 2) check
EOF
  if ! alive "$LB_DIR/haproxy.pid" "$LB_DIR/haproxy.cfg"; then
    nohup haproxy -db -f "$LB_DIR/haproxy.cfg" >"$LB_DIR/haproxy.log" 2>&1 &
    echo $! >"$LB_DIR/haproxy.pid"
  fi
  local deadline=$((SECONDS + 20))
  until curl -sf "http://127.0.0.1:$LB_PORT/readyz" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { log "haproxy does not answer on $LB_PORT"; cat "$LB_DIR/haproxy.log" >&2; return 1; }
    sleep 0.3
  done
  log "haproxy (pid $(cat "$LB_DIR/haproxy.pid")) on http://127.0.0.1:$LB_PORT: round robin over services 1 and 2 (database $(cat "$LB_DIR/database"))"
}

lb_stop() {
  stop_one "$LB_DIR/haproxy.pid" "$LB_DIR/haproxy.cfg" haproxy
  local s
  for s in 1 2; do stop_one "$LB_DIR/svc$s/pid" "$SERVICE_DLL" "service $s"; done
}

lb_site() { # a site through the load balancer; prints its key
  curl -sf -H "Authorization: Bearer $LB_TOKEN" -H 'Content-Type: application/json' "http://127.0.0.1:$LB_PORT/api/sites" \
    -d '{"name":"Cluster load","domains":["bench.example"]}' | sed -E 's/.*"key":"([^"]+)".*/\1/'
}

# The bench's cluster-load mode through the load balancer (bench/README.md, "cluster failover" and "cluster soak").
cluster_load() { # bench args…
  local bench=bench/Analytics.Bench/bin/Release/net10.0/Analytics.Bench.dll key
  dotnet build bench/Analytics.Bench -c Release -nologo -v quiet -clp:ErrorsOnly
  lb_start
  key=$(lb_site)
  # Both nodes must know the site before the load starts (Sites__ReloadInterval, 10 s).
  sleep 11
  dotnet "$bench" cluster-load --url "http://127.0.0.1:$LB_PORT" --site "$key" --token "$LB_TOKEN" \
    --clickhouse "http://127.0.0.1:$(http_port 1)" --database "$(cat "$LB_DIR/database")" \
    --pid-files "$LB_DIR/svc1/pid,$LB_DIR/svc2/pid" "$@"
}

failover() {
  cluster_load --rate "${FAILOVER_RATE:-1000}" --seconds "${FAILOVER_SECONDS:-150}" \
    --at "20:scripts/cluster.sh svc-kill 1" --at "35:scripts/cluster.sh svc-start 1" \
    --at "60:scripts/cluster.sh ch-stop 3" --report-at 75 --report-at 85 --at "95:scripts/cluster.sh ch-start 3" \
    --at "110:scripts/cluster.sh svc-kill 2" --at "120:scripts/cluster.sh svc-start 2" "$@"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  run-tests) shift; run_tests "$@" ;;
  smoke) smoke ;;
  lb-start) lb_start ;;
  lb-stop) lb_stop ;;
  svc-start) svc_start "$2" ;;
  svc-kill) svc_kill "$2" ;;
  ch-stop) ch_stop "$2" ;;
  ch-start) ch_start "$2" ;;
  failover) shift; trap lb_stop EXIT; failover "$@" ;;
  soak) shift; trap lb_stop EXIT; cluster_load --rate "${SOAK_RATE:-1500}" --seconds "${SOAK_SECONDS:-600}" "$@" ;;
  load) shift; cluster_load "$@" ;;
  test)
    shift
    start
    trap stop EXIT
    run_tests "$@"
    ;;
  *) echo "usage: $0 start|stop|status|test [dotnet test args]|smoke|lb-start|lb-stop|svc-start S|svc-kill S|ch-stop N|ch-start N|failover|soak|load [bench args]   (run-tests: the tests against a running cluster)" >&2; exit 64 ;;
esac
