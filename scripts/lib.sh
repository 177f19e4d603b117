# Shared by scripts/test.sh and bench/run.sh: installing missing packages and running private,
# throw-away PostgreSQL and Redis servers on free loopback ports. Source it; it defines functions
# and a cleanup trap that stops whatever was started.

log() { printf '\n==> %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root (or sudo) to run: $*" >&2; return 1; fi
}

apt_install() {
  log "installing $* (apt-get)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

pg_bin_dir() {
  local dir
  for dir in $(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)") $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/pg_dump" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

# Installs PostgreSQL and Redis if they are missing, and puts the PostgreSQL tools on PATH.
ensure_services_installed() {
  local missing=()
  pg_bin_dir >/dev/null || missing+=(postgresql postgresql-client)
  command -v redis-server >/dev/null || missing+=(redis-server)
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
  PG_BIN=$(pg_bin_dir)
  export PATH="$PG_BIN:$PATH"
}

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  return 1
}

# PostgreSQL refuses to run as root; then the cluster belongs to the `postgres` account.
run_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

PRIVATE_PG_DIR=""
PRIVATE_PIDS=()
stop_private_services() {
  local pid
  for pid in "${PRIVATE_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -n "$PRIVATE_PG_DIR" ] && [ -d "$PRIVATE_PG_DIR" ]; then
    run_pg "$PG_BIN/pg_ctl" -D "$PRIVATE_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PRIVATE_PG_DIR"
  fi
}
trap stop_private_services EXIT INT TERM

# Starts a private PostgreSQL (trust auth, no fsync) and sets PRIVATE_PG_URL to its `postgres`
# database.
start_private_postgres() {
  PRIVATE_PG_DIR=$(mktemp -d /tmp/sluice-pg.XXXXXX)
  chmod 755 "$PRIVATE_PG_DIR"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PRIVATE_PG_DIR"
  fi
  local port
  port=$(free_port)
  run_pg "$PG_BIN/initdb" -D "$PRIVATE_PG_DIR/data" -U postgres --auth=trust --encoding=UTF8 --no-locale --no-sync >/dev/null
  run_pg "$PG_BIN/pg_ctl" -D "$PRIVATE_PG_DIR/data" -l "$PRIVATE_PG_DIR/server.log" -w -t 60 start \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PRIVATE_PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >/dev/null
  PRIVATE_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
}

# Starts a private redis-server (no persistence) and sets PRIVATE_REDIS_URL.
start_private_redis() {
  local port
  port=$(free_port)
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >/dev/null 2>&1 &
  PRIVATE_PIDS+=($!)
  for _ in $(seq 1 100); do
    if [ "$(redis-cli -p "$port" ping 2>/dev/null)" = "PONG" ]; then break; fi
    sleep 0.05
  done
  PRIVATE_REDIS_URL="redis://127.0.0.1:$port/"
}
