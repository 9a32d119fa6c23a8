#!/usr/bin/env bash
# Real Java servers for tests: embedded Neo4j Community (Bolt) and ElasticMQ (SQS).
#
#   scripts/java-services.sh build                      fetch + build both (idempotent)
#   scripts/java-services.sh start neo4j|elasticmq [port]   background; waits until ready;
#                                                       prints `export TEST_...=` lines on stdout
#   scripts/java-services.sh stop  neo4j|elasticmq|all
#   scripts/java-services.sh status
#   scripts/java-services.sh run   neo4j|elasticmq PORT foreground; stops the server when stdin
#                                                       closes or on SIGTERM/SIGINT (used by the TS
#                                                       fixture server/test/fixtures/java-services.ts)
#
# Needs only `java` (17+) and `mvn` (Maven Central reachable on the first build; afterwards
# everything is in ~/.m2 and builds run offline). Output lives under .tools/ (git-ignored):
#   .tools/java-services/{neo4j-launcher,elasticmq}-<source hash>/   launcher jar, lib/*.jar, log
#   .tools/run/{neo4j,elasticmq}.{pid,log}, .tools/run/neo4j-<port>/ (database dir, wiped at start)
#
# Neo4j credentials: auth is ON; user `neo4j`, password $NEO4J_PASSWORD (default `testpassword`).
# NEO4J_AUTH=none starts it with auth disabled (then any credentials are accepted).
#
# Environment overrides: JAVA_SERVICES_JAVA (java binary; else $JAVA_HOME/bin/java; else java),
# NEO4J_JAVA_OPTS, ELASTICMQ_JAVA_OPTS, JAVA_SERVICES_START_TIMEOUT (seconds, default 180).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/server/test/fixtures/java"
OUT="$ROOT/.tools/java-services"
RUN="$ROOT/.tools/run"

NEO4J_DEFAULT_PORT=7687
ELASTICMQ_DEFAULT_PORT=9324
NEO4J_PASSWORD="${NEO4J_PASSWORD:-testpassword}"
# C1-only JIT (TieredStopAtLevel=1): on a busy 2-core machine C2 compile threads fight the
# tests for CPU; measured start-up was often 2x faster without them. Queries in tests are tiny.
NEO4J_JAVA_OPTS="${NEO4J_JAVA_OPTS:--Xms128m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError}"
ELASTICMQ_JAVA_OPTS="${ELASTICMQ_JAVA_OPTS:--Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError}"
START_TIMEOUT="${JAVA_SERVICES_START_TIMEOUT:-180}"

log() { printf '[java-services] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

java_bin() {
  if [[ -n "${JAVA_SERVICES_JAVA:-}" ]]; then
    printf '%s' "$JAVA_SERVICES_JAVA"
  elif [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    printf '%s' "$JAVA_HOME/bin/java"
  else
    command -v java >/dev/null 2>&1 || die "java not found (need Java 17+)"
    printf 'java'
  fi
}

# ---------------------------------------------------------------- build

# Hash of everything that defines a component's build output.
component_hash() {
  local dir="$1"
  (cd "$dir" && find . -type f \( -name pom.xml -o -name '*.java' \) -not -path './target/*' -print0 \
    | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-12
}

# Build output dir of a component: versioned by the source hash, so a rebuild after a change
# never deletes jars that an already-running server (maybe another engineer's) is using.
component_dir() { printf '%s/%s-%s' "$OUT" "$1" "$(component_hash "$SRC/$1")"; }

in_use() { grep -qsaF -- "$1" /proc/[0-9]*/cmdline 2>/dev/null; }

# Remove outputs of older sources that no running process refers to.
prune_old() {
  local name="$1" keep="$2" d
  for d in "$OUT/$name" "$OUT/$name"-*; do
    [[ -d "$d" && "$d" != "$keep" ]] || continue
    in_use "java-services/${d##*/}/" || rm -rf "$d"
  done
}

build_component() {
  local name="$1" dir="$SRC/$1" out
  [[ -f "$dir/pom.xml" ]] || die "missing $dir/pom.xml"
  out="$(component_dir "$name")"
  [[ -f "$out/.complete" ]] && return 0
  command -v mvn >/dev/null 2>&1 || die "mvn not found (needed to build $name)"
  log "building $name (first build downloads from Maven Central; may take minutes)"
  rm -rf "$out"
  mkdir -p "$out"
  local started=$SECONDS
  local mvn_args=(-B -ntp -f "$dir/pom.xml" -DbuildDir="$out" package)
  # Offline first (fast, no network when ~/.m2 is warm), online if anything is missing.
  if ! mvn -o "${mvn_args[@]}" >"$out/build.log" 2>&1; then
    rm -rf "$out"
    mkdir -p "$out"
    if ! mvn "${mvn_args[@]}" >"$out/build.log" 2>&1; then
      tail -n 60 "$out/build.log" >&2
      mv "$out/build.log" "$OUT/$name-build-failed.log"
      rm -rf "$out"
      die "maven build of $name failed (log: $OUT/$name-build-failed.log)"
    fi
  fi
  touch "$out/.complete"
  log "built $name in $((SECONDS - started))s ($(ls "$out/lib" | wc -l) jars) -> $out"
  prune_old "$name" "$out"
}

cmd_build() {
  mkdir -p "$OUT"
  # Serialize concurrent builds (several test workers may ask at once).
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$OUT/.build.lock"
    flock 9
  fi
  build_component neo4j-launcher
  build_component elasticmq
  # Release the lock now: servers started later must not inherit (and keep holding) it.
  exec 9>&-
}

# ---------------------------------------------------------------- run

valid_port() { [[ "$1" =~ ^[0-9]+$ ]] && ((1 <= $1 && $1 <= 65535)); }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Prints the java command line for a service on stdout, one word per line. For neo4j, a
# third argument "temp" lets the launcher use (and delete on exit) a fresh temp dir.
service_cmd() {
  local svc="$1" port="$2" java
  java="$(java_bin)"
  case "$svc" in
    neo4j)
      local home=(--home "$RUN/neo4j-$port") nd
      [[ "${3:-}" == temp ]] && home=()
      nd="$(component_dir neo4j-launcher)"
      local auth=(--password "$NEO4J_PASSWORD")
      [[ "${NEO4J_AUTH:-}" == none ]] && auth=()
      # shellcheck disable=SC2206
      local opts=($NEO4J_JAVA_OPTS)
      printf '%s\n' "$java" "${opts[@]}" -Dfile.encoding=UTF-8 \
        -cp "$nd/neo4j-launcher.jar:$nd/lib/*" \
        coderemote.testing.Neo4jLauncher "${home[@]}" --port "$port" "${auth[@]}"
      ;;
    elasticmq)
      # shellcheck disable=SC2206
      local opts=($ELASTICMQ_JAVA_OPTS)
      printf '%s\n' "$java" "${opts[@]}" -Dfile.encoding=UTF-8 \
        -Dconfig.file="$SRC/elasticmq/elasticmq.conf" \
        -Dlogback.configurationFile="$SRC/elasticmq/logback.xml" \
        -Drest-sqs.bind-port="$port" -Dnode-address.port="$port" \
        -cp "$(component_dir elasticmq)/lib/*" org.elasticmq.server.Main
      ;;
    *) die "unknown service '$svc' (neo4j|elasticmq)" ;;
  esac
}

ready_pattern() {
  case "$1" in
    neo4j) printf 'NEO4J_READY' ;;
    elasticmq) printf 'ElasticMQ server .* started in' ;;
  esac
}

default_port() {
  case "$1" in
    neo4j) printf '%s' "$NEO4J_DEFAULT_PORT" ;;
    elasticmq) printf '%s' "$ELASTICMQ_DEFAULT_PORT" ;;
    *) die "unknown service '$1' (neo4j|elasticmq)" ;;
  esac
}

print_env() {
  local svc="$1" port="$2"
  case "$svc" in
    neo4j)
      echo "export TEST_NEO4J_URI=bolt://127.0.0.1:$port"
      echo "export TEST_NEO4J_USER=neo4j"
      if [[ "${NEO4J_AUTH:-}" == none ]]; then
        echo "export TEST_NEO4J_PASSWORD=unused"
        echo "export TEST_NEO4J_AUTH=none"
      else
        echo "export TEST_NEO4J_PASSWORD=$NEO4J_PASSWORD"
      fi
      ;;
    elasticmq) echo "export TEST_SQS_ENDPOINT=http://127.0.0.1:$port" ;;
  esac
}

pid_alive() { [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null; }

cmd_start() {
  local svc="${1:-}" port="${2:-}"
  [[ -n "$svc" ]] || die "usage: start neo4j|elasticmq [port]"
  local dflt
  dflt="$(default_port "$svc")" || exit 1
  [[ -n "$port" ]] || port="$dflt"
  valid_port "$port" || die "bad port '$port'"
  cmd_build
  mkdir -p "$RUN"
  local pidf="$RUN/$svc.pid" logf="$RUN/$svc.log"
  if [[ -f "$pidf" ]] && pid_alive "$(cat "$pidf")"; then
    die "$svc already running (pid $(cat "$pidf")); stop it first"
  fi
  port_open "$port" && die "port $port is already in use"
  [[ "$svc" == neo4j ]] && rm -rf "$RUN/neo4j-$port"

  local cmd=()
  mapfile -t cmd < <(service_cmd "$svc" "$port")
  local t0
  t0=$(date +%s%N)
  # setsid: own session, so the server survives the calling shell (CI step) ending.
  setsid "${cmd[@]}" </dev/null >"$logf" 2>&1 9>&- &
  local pid=$!
  echo "$pid" >"$pidf"
  local pattern
  pattern="$(ready_pattern "$svc")"
  while :; do
    if ! pid_alive "$pid"; then
      tail -n 40 "$logf" >&2
      rm -f "$pidf"
      die "$svc exited during start-up (log: $logf)"
    fi
    if grep -q "$pattern" "$logf" 2>/dev/null && port_open "$port"; then
      break
    fi
    if (($(date +%s%N) - t0 > START_TIMEOUT * 1000000000)); then
      tail -n 40 "$logf" >&2
      kill -TERM "$pid" 2>/dev/null || true
      die "$svc not ready after ${START_TIMEOUT}s (log: $logf)"
    fi
    sleep 0.2
  done
  log "$svc ready on 127.0.0.1:$port in $((($(date +%s%N) - t0) / 1000000)) ms (pid $pid, log $logf)"
  print_env "$svc" "$port"
}

stop_one() {
  local svc="$1" pidf="$RUN/$1.pid"
  [[ -f "$pidf" ]] || { log "$svc: not running (no pid file)"; return 0; }
  local pid
  pid="$(cat "$pidf")"
  if pid_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 300; i++)); do
      pid_alive "$pid" || break
      sleep 0.1
    done
    if pid_alive "$pid"; then
      log "$svc (pid $pid) ignored SIGTERM for 30s; killing"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "$svc stopped (pid $pid)"
  else
    log "$svc: stale pid file (pid $pid not running)"
  fi
  rm -f "$pidf"
}

cmd_stop() {
  local svc="${1:-all}"
  case "$svc" in
    all) stop_one neo4j; stop_one elasticmq ;;
    neo4j | elasticmq) stop_one "$svc" ;;
    *) die "usage: stop neo4j|elasticmq|all" ;;
  esac
}

cmd_status() {
  local svc
  for svc in neo4j elasticmq; do
    if [[ -f "$RUN/$svc.pid" ]] && pid_alive "$(cat "$RUN/$svc.pid")"; then
      echo "$svc: running (pid $(cat "$RUN/$svc.pid"))"
    else
      echo "$svc: stopped"
    fi
  done
}

# Foreground run for a parent process (the TS fixture): the server stops when our stdin
# reaches EOF (parent died or closed the pipe) or on SIGTERM/SIGINT. Server output goes to
# our stdout/stderr; Neo4j uses a fresh temp dir that the launcher deletes when it stops.
cmd_run() {
  local svc="${1:-}" port="${2:-}"
  [[ -n "$svc" && -n "$port" ]] || die "usage: run neo4j|elasticmq PORT"
  default_port "$svc" >/dev/null || exit 1
  valid_port "$port" || die "bad port '$port'"
  cmd_build
  local cmd=()
  mapfile -t cmd < <(service_cmd "$svc" "$port" temp)
  exec 3<&0
  "${cmd[@]}" </dev/null 9>&- &
  local pid=$!
  local stopping=0
  stop_child() {
    if ((stopping == 0)); then
      stopping=1
      kill -TERM "$pid" 2>/dev/null || true
    fi
  }
  trap stop_child TERM INT HUP
  # stdin watcher: EOF on the parent's pipe (parent closed it, or died) => stop the server,
  # even if this wrapper itself was killed meanwhile.
  (
    while read -r -u 3 _; do :; done
    kill -TERM "$pid" 2>/dev/null
  ) &
  local watcher=$!
  exec 3<&-
  local rc=0
  while :; do
    wait "$pid" && rc=0 || rc=$?
    pid_alive "$pid" || break # wait was interrupted by a trap: loop until it really ended
  done
  kill "$watcher" 2>/dev/null || true
  ((stopping == 1)) && rc=0
  exit "$rc"
}

main() {
  local sub="${1:-}"
  shift || true
  case "$sub" in
    build) cmd_build ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status ;;
    run) cmd_run "$@" ;;
    *)
      sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
      exit 2
      ;;
  esac
}

main "$@"; exit $?
