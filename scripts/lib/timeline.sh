# Drawing what clients wrote with --timeline FILE, with gnuplot and docs/timeline.gp.
# Shared by docs/capture-timelines.sh and scripts/demo. Source it, then:
#   TIMELINE_NAME[HOST:PORT]=NAME          what to call a server's lane (its poem)
#   summary_seconds FILE                   the seconds of the summary line
#                                          ("Got N poems in H:MM:SS.ffffff") in FILE
#   draw_timeline CSV SVG TITLE TOTAL XMAX draw one run: a lane per task, labelled
#                                          "Task N: NAME", a tick per chunk, a dashed
#                                          line at TOTAL seconds, x from 0 to XMAX
# gnuplot is ${GNUPLOT:-gnuplot}.

declare -A TIMELINE_NAME=()
TIMELINE_SCRIPT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../docs" && pwd)/timeline.gp"

summary_seconds() {
    awk '/^Got [0-9]+ poems in / { split($5, t, ":"); s = t[1] * 3600 + t[2] * 60 + t[3] }
         END { print s + 0 }' "$1"
}

draw_timeline() {
    local csv=$1 svg=$2 title=$3 total=$4 xmax=$5
    local ytics="" lanes=0 task peer
    # One lane per task, in task order, named after the task's server.
    while IFS=, read -r task peer; do
        ytics+="${ytics:+, }\"Task $task: ${TIMELINE_NAME[$peer]:-$peer}\" $task"
        lanes=$((lanes + 1))
    done < <(tail -n +2 "$csv" | cut -d, -f1,2 | sort -t, -k1,1n -u)
    # gnuplot reads the "TASK SECONDS BYTES" rows on its standard input.
    tail -n +2 "$csv" | awk -F, '{ print $1, $3, $4 }' |
        "${GNUPLOT:-gnuplot}" -e "data='/dev/stdin'; output='$svg'; heading='$title'" \
            -e "lanes=$lanes; ytics='($ytics)'; total=$total; xmax=$xmax" "$TIMELINE_SCRIPT"
}
