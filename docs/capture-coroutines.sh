# The look ahead, sourced by docs/capture with the three slow servers running.
# (Its timelines are drawn by capture-timelines.sh, its trace by capture-traces.sh.)

# Both coroutine clients, with one address where nobody listens (port 1 on
# loopback): the start and the end of each run. Exit 1 by design.
"$bin/coroutine-get-poetry" "${addresses[@]}" 1 > "$out/coroutines-client-full.txt" 2>&1 || true
abridge "$out/coroutines-client-full.txt" 5 5 > "$out/coroutines-client.txt"
"$bin/asio-get-poetry" "${addresses[@]}" 1 > "$out/coroutines-asio-full.txt" 2>&1 || true
abridge "$out/coroutines-asio-full.txt" 5 5 > "$out/coroutines-asio.txt"

# The stack from inside each coroutine body, at the first chunk (compact: the
# paths are relative to the project already).
"$bin/coroutine-get-poetry" --stack "${addresses[0]}" > "$out/coroutines-stack.txt"
"$bin/asio-get-poetry" --stack "${addresses[0]}" > "$out/coroutines-asio-stack.txt"

# The broken variant: a blocking read in the body, one block of lines per task.
"$bin/asio-get-poetry-broken" "${addresses[@]}" 2>&1 | shorten_blocks \
    > "$out/coroutines-broken.txt"

# Exercise 1 the coroutine way: one poem in time, one server that never sends.
start_server co-stall "$bin/faultpoetry" --fault stall "$poetry/fascination.txt"
"$bin/asio-get-poetry" --timeout 2 "${addresses[2]}" "${SERVER_PORT[co-stall]}" \
    > "$out/coroutines-timeout-out-full.txt" 2> "$out/coroutines-timeout-err.txt" || true
tail -n 4 "$out/coroutines-timeout-out-full.txt" > "$out/coroutines-timeout-out.txt"
stop_server co-stall
