# Part 5's exercises, sourced by docs/capture with the three slow servers running
# (ecstasy, fascination, science). Each exercise runs against the failure it is
# about, from faultpoetry's --fault modes. Several exit 1 on purpose: a failed
# download is the point, hence the `|| true`. Stdout and stderr go to separate
# files, because only stderr is unbuffered and a merged file would misorder them.
start_server ex-stall "$bin/faultpoetry" --fault stall "$poetry/fascination.txt"
start_server ex-reset "$bin/faultpoetry" --fault reset "$poetry/ecstasy.txt"
start_server ex-endless "$bin/faultpoetry" --fault endless "$poetry/science.txt"
ex_science=${addresses[2]}
ex_stall=${SERVER_PORT[ex-stall]}
ex_reset=${SERVER_PORT[ex-reset]}
ex_endless=${SERVER_PORT[ex-endless]}

# Exercise 1: one poem in time, one server that never sends.
"$bin/ex1-timeout" --timeout 2 "$ex_science" "$ex_stall" \
    > "$out/ex1-timeout-out-full.txt" 2> "$out/ex1-timeout-err.txt" || true
tail -n 4 "$out/ex1-timeout-out-full.txt" > "$out/ex1-timeout-out.txt"

# Exercise 2: the stacks of a clean close, a reset, and a refused connection
# (compact: the paths are relative to the project already).
# The chunk lines are left out: the stacks are the point.
"$bin/ex2-connection-lost-stack" "$ex_science" 2>&1 | grep -v ' bytes of poetry from ' \
    > "$out/ex2-clean.txt" || true
"$bin/ex2-connection-lost-stack" "$ex_reset" 2> "$out/ex2-reset-err.txt" \
    | grep -v ' bytes of poetry from ' > "$out/ex2-reset.txt" || true
"$bin/ex2-connection-lost-stack" 1 2> "$out/ex2-refused-err.txt" > "$out/ex2-refused.txt" || true

# Exercise 3: a server that never stops, and a 100000-byte limit.
"$bin/ex3-max-size" --max-bytes 100000 "$ex_endless" \
    > "$out/ex3-max-size-out-full.txt" 2> "$out/ex3-max-size-err.txt" || true
abridge "$out/ex3-max-size-out-full.txt" 3 3 > "$out/ex3-max-size-out.txt"

# Exercise 4: a clean close and a reset in one run; the chunk lines are left out.
"$bin/ex4-done-or-lost" "$ex_science" "$ex_reset" \
    > "$out/ex4-full.txt" 2> "$out/ex4-err.txt" || true
grep -v ' bytes of poetry' "$out/ex4-full.txt" > "$out/ex4-out.txt" || true

# Exercise 5: the first lines of a poem sent 30 bytes at a time, then a limit
# that science.txt's third line breaks.
"$bin/ex5-lines" "${addresses[0]}" > "$out/ex5-full.txt" 2>&1 || true
head -n 16 "$out/ex5-full.txt" > "$out/ex5-head.txt"
"$bin/ex5-lines" -q --max-line-length 20 "$ex_science" \
    > "$out/ex5-too-long-out.txt" 2> "$out/ex5-too-long-err.txt" || true
