# Part 5, sourced by docs/capture with the three slow servers running.
# Client 2.0 with one address where nobody listens (port 1 on loopback), so the
# failure line is real too; its exit status is 1 by design.
"$bin/protocol-get-poetry" "${addresses[@]}" 1 > "$out/part05-client20-full.txt" 2>&1 || true
abridge "$out/part05-client20-full.txt" 6 6 > "$out/part05-client20.txt"

# Client 2.1 against the two short poems: the poems themselves, whole, in the
# order they finished, then the summary.
"$bin/protocol-get-poetry-simple" "${addresses[1]}" "${addresses[2]}" \
    > "$out/part05-client21-full.txt" 2>&1
abridge "$out/part05-client21-full.txt" 8 6 > "$out/part05-client21.txt"

# The stack demo (compact: its paths are relative to the project already).
"$bin/protocol-get-poetry-stack" "${addresses[0]}" > "$out/part05-stack.txt"

# fastpoetry and a thousand clients at once. How long that takes depends on the
# machine and how busy it is, so the page shows this build's run.
start_server fast "$bin/fastpoetry" "$poetry/science.txt"
"$bin/protocol-get-poetry" -q $(for i in $(seq 1000); do echo "${SERVER_PORT[fast]}"; done) \
    > "$out/part05-fastpoetry.txt"
stop_server fast
