# Starting and stopping poetry servers from bash, shared by scripts/demo and
# docs/capture. Source it, then:
#   start_server NAME PROGRAM [ARGS...]   start it, wait for its port line
#   ${SERVER_PORT[NAME]}                 the port it listens on
#   stop_server NAME                     stop that one (its port is then refused)
#   stop_servers                         stop every server started here
# Servers print "Serving FILE on port P." first; we read that line from a file.

declare -A SERVER_PORT=()
declare -A SERVER_PID=()
declare -a SERVER_PIDS=()
SERVER_LOG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/poetry-servers.XXXXXX")

start_server() {
    local name=$1
    shift
    local log="$SERVER_LOG_DIR/$name.log"
    "$@" --quiet > "$log" 2>&1 &
    SERVER_PIDS+=("$!")
    SERVER_PID[$name]=$!
    local line="" tries=0
    until line=$(head -n 1 "$log" 2>/dev/null) && [[ $line == Serving* ]]; do
        if ! kill -0 "$!" 2>/dev/null || ((++tries > 100)); then
            echo "could not start $name: $(cat "$log")" >&2
            return 1
        fi
        sleep 0.05
    done
    line=${line##* port }
    SERVER_PORT[$name]=${line%.}
}

stop_server() {
    local pid=${SERVER_PID[$1]} kept=() other
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    # Forget it, so stop_servers never signals a pid the system has since reused.
    for other in "${SERVER_PIDS[@]}"; do
        [[ $other == "$pid" ]] || kept+=("$other")
    done
    SERVER_PIDS=("${kept[@]}")
    unset "SERVER_PID[$1]"
}

stop_servers() {
    local pid
    for pid in "${SERVER_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${SERVER_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    SERVER_PIDS=()
    rm -rf "$SERVER_LOG_DIR"
}
