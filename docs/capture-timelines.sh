# Timelines, sourced by docs/capture with the three slow servers running: the
# blocking client, client 1.0, its broken variant, client 2.0, the coroutine
# client and the coroutine broken variant each download the same three poems with
# --timeline, and gnuplot draws each run (see scripts/lib/timeline.sh): one lane
# per task, a tick per chunk, the total marked. All share one time axis, so the
# pictures compare at a glance.
source "$(dirname "$0")/../scripts/lib/timeline.sh"
TIMELINE_NAME["127.0.0.1:${addresses[0]}"]=ecstasy
TIMELINE_NAME["127.0.0.1:${addresses[1]}"]=fascination
TIMELINE_NAME["127.0.0.1:${addresses[2]}"]=science
timeline_runs=(
    "part01-blocking|blocking-get-poetry|one poem after another"
    "part04-client10|reactor-get-poetry|client 1.0, the downloads interleave"
    "part04-broken|reactor-get-poetry-broken|one blocking doRead per poem"
    "part05-client20|protocol-get-poetry|client 2.0, interleaved through transports and protocols"
    "coroutines-client|coroutine-get-poetry|one coroutine per poem, interleaved as client 2.0"
    "coroutines-broken|asio-get-poetry-broken|one blocking read in each coroutine body"
)
timeline_xmax=0
for run in "${timeline_runs[@]}"; do
    IFS='|' read -r name program heading <<< "$run"
    "$bin/$program" -q --timeline "$out/timeline-$name.csv" "${addresses[@]}" \
        > "$out/timeline-$name.txt"
    timeline_xmax=$(awk -v a="$timeline_xmax" -v b="$(summary_seconds "$out/timeline-$name.txt")" \
        'BEGIN { print (b > a ? b : a) }')
done
timeline_xmax=$(awk -v m="$timeline_xmax" 'BEGIN { print m * 1.2 }')
for run in "${timeline_runs[@]}"; do
    IFS='|' read -r name program heading <<< "$run"
    draw_timeline "$out/timeline-$name.csv" "$out/timeline-$name.svg" "$program: $heading" \
        "$(summary_seconds "$out/timeline-$name.txt")" "$timeline_xmax"
done
