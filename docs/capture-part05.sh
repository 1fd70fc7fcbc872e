# Part 5, sourced by docs/capture with the three slow servers running.
# Client 2.0 with one address where nobody listens (port 1 on loopback), so the
# failure line is real too; its exit status is 1 by design.
"$bin/protocol-get-poetry" "${addresses[@]}" 1 > "$out/part05-client20-full.txt" 2>&1 || true
head -n 6 "$out/part05-client20-full.txt" > "$out/part05-client20-head.txt"
tail -n 6 "$out/part05-client20-full.txt" > "$out/part05-client20-tail.txt"

# The stack demo, with the source paths made relative to the project root.
root=$(cd "$poetry/.." && pwd)
"$bin/protocol-get-poetry-stack" "${addresses[0]}" | sed "s|$root/||g" > "$out/part05-stack.txt"
