# --trace output for the pages, sourced by docs/capture with the three slow
# servers running. A trace line can be long (a connect, a connectionLost and the
# calls it sets off), so each line longer than the page is broken before a " -> "
# (or before "[held the loop"), and continued, indented, on the next.
fold_trace() {
    awk -v width=96 '
        {
            line = $0
            while (length(line) > width) {
                cut = 0
                for (i = width; i > 12; --i) {
                    if (substr(line, i, 4) == " -> " || substr(line, i, 2) == " [") { cut = i; break }
                }
                if (cut == 0) break
                print substr(line, 1, cut - 1)
                line = "            " substr(line, cut + 1)
            }
            print line
        }'
}

# Client 1.0 (part04): the three sockets' doRead calls take turns.
"$bin/reactor-get-poetry" -q --trace "${addresses[@]}" 2> "$out/part04-trace-full.txt" > /dev/null
head -n 7 "$out/part04-trace-full.txt" | fold_trace > "$out/part04-trace-head.txt"
tail -n 4 "$out/part04-trace-full.txt" | fold_trace > "$out/part04-trace-tail.txt"

# The broken variant: one doRead per poem, each holding the loop.
"$bin/reactor-get-poetry-broken" -q --trace "${addresses[@]}" 2>&1 > /dev/null |
    fold_trace > "$out/part04-broken-trace.txt"

# Client 2.0 (part05): the transport between the reactor and the protocol.
"$bin/protocol-get-poetry" -q --trace "${addresses[@]}" 2> "$out/part05-trace-full.txt" > /dev/null
head -n 9 "$out/part05-trace-full.txt" | fold_trace > "$out/part05-trace-head.txt"
tail -n 3 "$out/part05-trace-full.txt" | fold_trace > "$out/part05-trace-tail.txt"

# The coroutine client: the same transport, the bridge's protocol where client
# 2.0's was.
"$bin/coroutine-get-poetry" -q --trace "${addresses[@]}" 2> "$out/coroutines-trace-full.txt" \
    > /dev/null
head -n 9 "$out/coroutines-trace-full.txt" | fold_trace > "$out/coroutines-trace-head.txt"
tail -n 3 "$out/coroutines-trace-full.txt" | fold_trace > "$out/coroutines-trace-tail.txt"

# Exercise 1 against a server that never sends: the deadline fires and closes it.
start_server trace-stalled "$bin/faultpoetry" --fault stall "$poetry/science.txt"
"$bin/ex1-timeout" -q --trace --timeout 1 "${SERVER_PORT[trace-stalled]}" \
    > /dev/null 2> "$out/ex1-trace-full.txt" || true  # exit 1: the poem timed out
grep '^+' "$out/ex1-trace-full.txt" | fold_trace > "$out/ex1-trace.txt"
stop_server trace-stalled
