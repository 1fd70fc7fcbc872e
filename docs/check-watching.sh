#!/usr/bin/env bash
# The docs test of what the pages show of runs watched with --timeline and
# --trace, run after the docs build. Each timeline picture is a non-empty SVG no
# wider than 960 px, embedded in its page, and drawn from a run with the shape its
# page describes: the blocking client's and the broken variants' chunks in one
# block per task (the task changes twice in three downloads), clients 1.0 and 2.0
# and the coroutine client interleaved (it changes many times). Every lane's ticks
# can be seen: they are drawn over the dashed "all done" line, and each read of 200
# bytes or more (the size docs/timeline.gp marks) has its dot and its "N bytes in
# one read" beside it. In part04's broken variant, each lane but the first served
# starts with such a read, as its caption says. Each
# captured trace shows what its page says it shows.
# Usage: check-watching.sh CAPTURED_DIR HTML_DIR
set -euo pipefail
captured=$1 html=$2
status=0
fail() {
    echo "docs_watching: $*" >&2
    status=1
}

# check PAGE NAME BLOCKS: BLOCKS is "yes" for one block per task.
check() {
    local page=$1 name=$2 blocks=$3 svg="timeline-$2.svg" width switches
    if [[ ! -s $html/$svg ]]; then
        fail "$svg is missing or empty in $html"
        return
    fi
    width=$(grep -o -m 1 'width="[0-9]*"' "$html/$svg" | tr -dc 0-9)
    if [[ -z $width ]] || ((width > 960)); then
        fail "$svg is ${width:-of unknown} px wide, more than 960"
    fi
    if ! grep -qs "data=\"$svg\"\|src=\"$svg\"" "$html/$page.html"; then
        fail "$page.html does not show $svg"
    fi
    # How often consecutive rows belong to different tasks.
    switches=$(tail -n +2 "$captured/timeline-$name.csv" |
        awk -F, 'NR > 1 && $1 != last { n++ } { last = $1 } END { print n + 0 }')
    if [[ $blocks == yes ]] && ((switches != 2)); then
        fail "timeline-$name.csv: the task changes $switches times, not twice"
    elif [[ $blocks == no ]] && ((switches <= 4)); then
        fail "timeline-$name.csv: the task changes only $switches times: not interleaved"
    fi
    visible "$name"
}

# visible NAME: the ticks are drawn after (over) the dashed line, and every big
# read of the run is labelled in the picture with its size.
visible() {
    local name=$1 svg="$html/timeline-$1.svg" line ticks want got
    line=$({ grep -n -m 1 "stroke='rgb(178, *34, *34)' stroke-dasharray" "$svg" || true; } | cut -d: -f1)
    ticks=$({ grep -n -m 1 "stroke='rgb( *31, *95, *168)'" "$svg" || true; } | cut -d: -f1)
    if [[ -z $line || -z $ticks ]]; then
        fail "timeline-$name.svg: no dashed 'all done' line or no ticks"
    elif ((ticks < line)); then
        fail "timeline-$name.svg: the ticks are drawn under the 'all done' line"
    fi
    want=$(tail -n +2 "$captured/timeline-$name.csv" | awk -F, '$4 >= 200 { print $4 }' | sort -n | tr '\n' ' ')
    got=$({ grep -o '>[0-9]* bytes in one read<' "$svg" || true; } | tr -dc '0-9\n' | sort -n | tr '\n' ' ')
    if [[ $want != "$got" ]]; then
        fail "timeline-$name.svg: labels the reads of [${got}] bytes, the run had reads of [${want}]"
    fi
}

check part01 part01-blocking yes
check part04 part04-client10 no
check part04 part04-broken yes
check part05 part05-client20 no
check coroutines coroutines-client no
check coroutines coroutines-broken yes

# The broken variant: each lane after the first one served begins with one read
# of what its server sent while the first lane held the loop.
late=$(tail -n +2 "$captured/timeline-part04-broken.csv" | awk -F, '
    !($1 in first) { first[$1] = $4; order[++n] = $1 }
    END {
        for (i = 2; i <= n; ++i) {
            if (first[order[i]] < 200) {
                printf " Task %s (%d bytes)", order[i], first[order[i]]
            }
        }
    }')
[[ -z $late ]] ||
    fail "timeline-part04-broken.csv: served after another, yet first read less than 200 bytes:$late"

# count FILE REGEX: how many lines of FILE match REGEX (extended).
count() {
    grep -E -c -- "$2" "$1" || true
}
traces=$captured
# Client 1.0: many doRead lines, and the end of each of the three sockets.
(($(count "$traces/part04-trace-full.txt" 'readable -> PoetrySocket\[[^]]+\]\.doRead$') > 6)) ||
    fail "part04-trace-full.txt: fewer doRead lines than chunks"
(($(count "$traces/part04-trace-full.txt" '\.doRead returns ConnectionDone') == 3)) ||
    fail "part04-trace-full.txt: not three sockets ending with ConnectionDone"
# The broken variant: one doRead per poem, each returning ConnectionDone.
(($(count "$traces/part04-broken-trace.txt" 'readable -> ') == 3)) ||
    fail "part04-broken-trace.txt: not one doRead per poem"
(($(count "$traces/part04-broken-trace.txt" 'doRead returns ConnectionDone') == 3)) ||
    fail "part04-broken-trace.txt: a doRead that did not read its whole poem"
# Client 2.0: the transport between the reactor and the protocol.
(($(count "$traces/part05-trace-full.txt" 'TcpTransport\[[^]]+\]\.doRead -> PoetryProtocol\.dataReceived\(') > 6)) ||
    fail "part05-trace-full.txt: no doRead -> dataReceived lines"
# The coroutine client: the reactor still dispatches every chunk, to the bridge.
(($(count "$traces/coroutines-trace-full.txt" 'TcpTransport\[[^]]+\]\.doRead -> CoroutineProtocol\.dataReceived\(') > 6)) ||
    fail "coroutines-trace-full.txt: no doRead -> CoroutineProtocol.dataReceived lines"
# Exercise 1: the deadline fires, loseConnection follows, doWrite ends it.
grep -q 'delayed call due -> lambda in TimeoutPoetryProtocol::connectionMade()' "$traces/ex1-trace.txt" &&
    grep -q -- '-> TcpTransport\[[^]]*\]\.loseConnection()' "$traces/ex1-trace.txt" &&
    grep -q 'doWrite returns ConnectionDone' "$traces/ex1-trace.txt" ||
    fail "ex1-trace.txt: no deadline firing, then loseConnection"
exit $status
