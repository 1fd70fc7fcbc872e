# Part 4, sourced by docs/capture with the three slow servers running.

# Client 1.0: how a run starts (the task lines take turns) and how it ends.
"$bin/reactor-get-poetry" "${addresses[@]}" > "$out/part04-client10-full.txt" 2>&1
abridge "$out/part04-client10-full.txt" 6 5 > "$out/part04-client10.txt"

# The broken variant: each run of lines from one task shortened to its first two
# lines and a count, so the page shows the blocks without a hundred lines.
"$bin/reactor-get-poetry-broken" "${addresses[@]}" 2>&1 | shorten_blocks > "$out/part04-broken.txt"

# One refused address ends client 1.0 before anything downloads (exit 1 by design).
"$bin/reactor-get-poetry" "${addresses[0]}" 1 > "$out/part04-refused.txt" 2>&1 || true
