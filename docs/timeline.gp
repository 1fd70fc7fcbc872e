# Draws one client run recorded with --timeline: a lane per task, a tick per
# chunk received, and a dashed line where the client printed its summary.
# Called by draw_timeline in scripts/lib/timeline.sh, which sets with -e:
#   data    a file of the run's chunks as "TASK SECONDS BYTES" rows (task 1 on top)
#   output  the SVG to write            heading  the picture's title
#   lanes   how many lanes              ytics    gnuplot's ytics list: ("label" 1, ...)
#   total   the run's total seconds     xmax     the x range, the same for every run
# and may set
#   big     the bytes from which a read is marked and labelled (default 200)
#
# A read of many chunks at once (the broken client's later lanes get a whole poem
# in one read, just as the run ends) is one tick that may lie right under the
# dashed line, so it is also drawn as a dot with its size written beside it, and
# the ticks are drawn over the line: every lane shows what it received.
if (!exists("big")) big = 200
set terminal svg size 900,210 font "Helvetica,13" background "white"
set output output
set title heading
set xlabel "seconds since the client started"
set xrange [0:xmax]
set yrange [lanes + 0.6:0.4]
eval "set ytics " . ytics
set ytics nomirror scale 0
set xtics nomirror out
set grid xtics lc rgb "#dddddd"
set border 1
unset key

# The data is read once (it may be a pipe), then plotted three times.
set table $chunks
plot data using 1:2:3 with table
unset table

set arrow 1 from total, graph 0 to total, graph 1 back nohead dashtype 2 linewidth 1.5 linecolor rgb "#b22222"
set label 1 sprintf("all done: %.2f s", total) at total, graph 1 offset 0.5, -0.8 textcolor rgb "#b22222"
plot $chunks using 2:($1 - 0.3):(0):(0.6) with vectors nohead linewidth 1.5 linecolor rgb "#1f5fa8", \
     $chunks using 2:($3 >= big ? $1 : NaN) with points pointtype 7 pointsize 0.8 linecolor rgb "#1f5fa8", \
     $chunks using 2:1:($3 >= big ? sprintf("%d bytes in one read", $3) : "") \
         with labels right offset -1, 0 textcolor rgb "#1f5fa8"
