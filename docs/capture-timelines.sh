# Timelines, sourced by docs/capture with the three slow servers running: the
# blocking client, client 1.0, the broken variant and client 2.0 each download
# the same three poems with --timeline, and gnuplot (docs/timeline.gp) draws each
# run: one lane per task, a tick per chunk, the total marked. All four share one
# time axis, so the pictures compare at a glance.
declare -A poem_of=(["127.0.0.1:${addresses[0]}"]=ecstasy
                    ["127.0.0.1:${addresses[1]}"]=fascination
                    ["127.0.0.1:${addresses[2]}"]=science)
timeline_runs=(
    "part01-blocking|blocking-get-poetry|one poem after another"
    "part04-client10|reactor-get-poetry|client 1.0, the downloads interleave"
    "part04-broken|reactor-get-poetry-broken|one blocking doRead per poem"
    "part05-client20|protocol-get-poetry|client 2.0, interleaved through transports and protocols"
)
declare -A timeline_total=()
timeline_xmax=0
for run in "${timeline_runs[@]}"; do
    IFS='|' read -r name program heading <<< "$run"
    "$bin/$program" -q --timeline "$out/timeline-$name.csv" "${addresses[@]}" \
        > "$out/timeline-$name.txt"
    # The summary line "Got 3 poems in H:MM:SS.ffffff" holds the total time.
    timeline_total[$name]=$(awk '/^Got / { split($5, t, ":"); print t[1] * 3600 + t[2] * 60 + t[3] }' \
        "$out/timeline-$name.txt")
    timeline_xmax=$(awk -v a="$timeline_xmax" -v b="${timeline_total[$name]}" \
        'BEGIN { print (b > a ? b : a) }')
done
timeline_xmax=$(awk -v m="$timeline_xmax" 'BEGIN { print m * 1.2 }')

for run in "${timeline_runs[@]}"; do
    IFS='|' read -r name program heading <<< "$run"
    # One lane per task, in task order; each labelled with its task and poem.
    tasks=$(tail -n +2 "$out/timeline-$name.csv" | cut -d, -f1,2 | sort -t, -k1,1n -u)
    ytics="" lanes=0
    while IFS=, read -r task peer; do
        ytics+="${ytics:+, }\"Task $task: ${poem_of[$peer]}\" $task"
        lanes=$((lanes + 1))
    done <<< "$tasks"
    tail -n +2 "$out/timeline-$name.csv" | awk -F, '{ print $1, $3, $4 }' > "$out/timeline-$name.dat"
    "${GNUPLOT:-gnuplot}" -e "data='$out/timeline-$name.dat'; output='$out/timeline-$name.svg'" \
        -e "heading='$program: $heading'; lanes=$lanes; ytics='($ytics)'" \
        -e "total=${timeline_total[$name]}; xmax=$timeline_xmax" \
        "$(dirname "$0")/timeline.gp"
done
