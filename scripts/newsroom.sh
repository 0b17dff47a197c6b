# Sourced by the run scripts: start_newsroom PORT REGISTRY [LOG] starts the offline newsroom on
# loopback and waits for the registry file it writes once its port is bound (feed URLs under that
# port); the pipeline then reads it like any other registry. Sets newsroom_pid.
start_newsroom() {
  local port=$1 registry=$2 log=${3:-/dev/stderr}
  rm -f "$registry"
  python -m newsroom --port "$port" --registry-out "$registry" >>"$log" 2>&1 &
  newsroom_pid=$!
  for _ in $(seq 1 300); do
    [ -f "$registry" ] && return 0
    kill -0 "$newsroom_pid" 2>/dev/null || { echo "the newsroom did not start (see $log)" >&2; return 1; }
    sleep 0.1
  done
  echo "no newsroom registry at $registry after 30 s" >&2
  return 1
}
