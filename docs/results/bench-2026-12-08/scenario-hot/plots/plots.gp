# plots.gp - the plots of the zdvfs bench report, from the .dat files
# beside it. Restyle freely, then redraw both formats:
#   gnuplot -e "fmt='svg'" plots.gp; gnuplot -e "fmt='png'" plots.gp
if (!exists("fmt")) fmt = 'svg'
set encoding utf8
setterm(w, h) = fmt eq 'svg' ? \
  sprintf("set terminal svg size %d,%d noenhanced font 'Sans,11' background rgb 'white'", w, h) : \
  strstrt(GPVAL_TERMINALS, 'pngcairo') > 0 ? \
  sprintf("set terminal pngcairo size %d,%d noenhanced font 'Sans,10' background rgb 'white'", w, h) : \
  sprintf("set terminal png size %d,%d noenhanced", w, h)
# One colour and point per policy row, the same in every plot.
set linetype 1 lc rgb '#d62728' pt 9
set linetype 2 lc rgb '#1f77b4' pt 11
set linetype 3 lc rgb '#7f7f7f' pt 5
set linetype 4 lc rgb '#8c564b' pt 13
set linetype 5 lc rgb '#bcbd22' pt 15
set linetype 6 lc rgb '#000000' pt 3
set linetype 7 lc rgb '#ff7f0e' pt 4
set linetype 8 lc rgb '#17becf' pt 6
set linetype 9 lc rgb '#2ca02c' pt 7

# ---- pareto-core-i7
reset
set encoding utf8
eval setterm(1320, 1120)
set output 'pareto-core-i7.'.fmt
rows = "performance powersave ondemand conservative schedutil table qlearn zerodvfs-zero-shot zerodvfs"
set multiplot layout 4,4 title 'core-i7: energy against makespan (lower left is better)'
unset key
set offsets graph 0.1, graph 0.1, graph 0.1, graph 0.1
set xlabel 'makespan (s)'
set ylabel 'energy (J)'
set title 'md-cells'
plot for [p=1:9] 'pareto-core-i7.dat' index 0 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'lbm'
plot for [p=1:9] 'pareto-core-i7.dat' index 1 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'nbody'
plot for [p=1:9] 'pareto-core-i7.dat' index 2 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'gemm'
plot for [p=1:9] 'pareto-core-i7.dat' index 3 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'fib'
plot for [p=1:9] 'pareto-core-i7.dat' index 4 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'sparselu'
plot for [p=1:9] 'pareto-core-i7.dat' index 5 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'spmv-csr'
plot for [p=1:9] 'pareto-core-i7.dat' index 6 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'stream-triad'
plot for [p=1:9] 'pareto-core-i7.dat' index 7 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'bfs'
plot for [p=1:9] 'pareto-core-i7.dat' index 8 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'knapsack'
plot for [p=1:9] 'pareto-core-i7.dat' index 9 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'jacobi-2d'
plot for [p=1:9] 'pareto-core-i7.dat' index 10 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'heat-3d'
plot for [p=1:9] 'pareto-core-i7.dat' index 11 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
unset title
unset xlabel
unset ylabel
unset border
unset tics
unset offsets
set xrange [0:1]
set yrange [0:1]
set key center center
plot for [p=1:9] 2 with points lt p ps 1.4 title word(rows, p)
unset multiplot
unset output

# ---- temperature-core-i7
reset
set encoding utf8
eval setterm(900, 520)
set output 'temperature-core-i7.'.fmt
set title 'core-i7, md-cells (seed 1, run 0): hottest zone, far under the thermal limit'
set xlabel 'time (s)'
set ylabel 'temperature (°C)'
set key outside right top
set grid
plot 'temperature-core-i7.dat' index 0 using 1:2 with lines lt 1 lw 1.5 title 'performance', \
     'temperature-core-i7.dat' index 1 using 1:2 with lines lt 3 lw 1.5 title 'ondemand', \
     'temperature-core-i7.dat' index 2 using 1:2 with lines lt 5 lw 1.5 title 'schedutil', \
     'temperature-core-i7.dat' index 3 using 1:2 with lines lt 6 lw 1.5 title 'table', \
     'temperature-core-i7.dat' index 4 using 1:2 with lines lt 8 lw 1.5 title 'zerodvfs-zero-shot'
unset output

# ---- convergence-core-i7
reset
set encoding utf8
eval setterm(800, 480)
set output 'convergence-core-i7.'.fmt
set title 'core-i7: mean reward per run (higher is better)'
set xlabel 'run index (zerodvfs run 0 is zero-shot)'
set ylabel 'reward'
set key bottom right
set grid
set offsets 0, 0, graph 0.05, graph 0.05
set xrange [-0.5:2.5]
set xtics 1
plot 'convergence-core-i7.dat' using 1:2 with linespoints lt 7 lw 2 title 'qlearn (model-free)', \
     '' using 1:3 with linespoints lt 9 lw 2 title 'zerodvfs'
unset output

# ---- pareto-jetson-orin-nx
reset
set encoding utf8
eval setterm(1320, 1120)
set output 'pareto-jetson-orin-nx.'.fmt
rows = "performance powersave ondemand conservative schedutil table qlearn zerodvfs-zero-shot zerodvfs"
set multiplot layout 4,4 title 'jetson-orin-nx: energy against makespan (lower left is better)'
unset key
set offsets graph 0.1, graph 0.1, graph 0.1, graph 0.1
set xlabel 'makespan (s)'
set ylabel 'energy (J)'
set title 'md-cells'
plot for [p=1:9] 'pareto-jetson-orin-nx.dat' index 0 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'lbm'
plot for [p=1:9] 'pareto-jetson-orin-nx.dat' index 1 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'nbody'
plot for [p=1:9] 'pareto-jetson-orin-nx.dat' index 2 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'gemm'
plot for [p=1:9] 'pareto-jetson-orin-nx.dat' index 3 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'fib'
plot for [p=1:9] 'pareto-jetson-orin-nx.dat' index 4 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'sparselu'
plot for [p=1:9] 'pareto-jetson-orin-nx.dat' index 5 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'spmv-csr'
plot for [p=1:9] 'pareto-jetson-orin-nx.dat' index 6 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'stream-triad'
plot for [p=1:9] 'pareto-jetson-orin-nx.dat' index 7 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'bfs'
plot for [p=1:9] 'pareto-jetson-orin-nx.dat' index 8 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'knapsack'
plot for [p=1:9] 'pareto-jetson-orin-nx.dat' index 9 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'jacobi-2d'
plot for [p=1:9] 'pareto-jetson-orin-nx.dat' index 10 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'heat-3d'
plot for [p=1:9] 'pareto-jetson-orin-nx.dat' index 11 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
unset title
unset xlabel
unset ylabel
unset border
unset tics
unset offsets
set xrange [0:1]
set yrange [0:1]
set key center center
plot for [p=1:9] 2 with points lt p ps 1.4 title word(rows, p)
unset multiplot
unset output

# ---- temperature-jetson-orin-nx
reset
set encoding utf8
eval setterm(900, 520)
set output 'temperature-jetson-orin-nx.'.fmt
set title 'jetson-orin-nx, md-cells (seed 1, run 0): hottest zone'
set xlabel 'time (s)'
set ylabel 'temperature (°C)'
set key outside right top
set grid
plot 'temperature-jetson-orin-nx.dat' index 0 using 1:2 with lines lt 1 lw 1.5 title 'performance', \
     'temperature-jetson-orin-nx.dat' index 1 using 1:2 with lines lt 3 lw 1.5 title 'ondemand', \
     'temperature-jetson-orin-nx.dat' index 2 using 1:2 with lines lt 5 lw 1.5 title 'schedutil', \
     'temperature-jetson-orin-nx.dat' index 3 using 1:2 with lines lt 6 lw 1.5 title 'table', \
     'temperature-jetson-orin-nx.dat' index 4 using 1:2 with lines lt 8 lw 1.5 title 'zerodvfs-zero-shot', \
     90 with lines dt 2 lw 1.5 lc rgb 'red' title 'thermal limit'
unset output

# ---- convergence-jetson-orin-nx
reset
set encoding utf8
eval setterm(800, 480)
set output 'convergence-jetson-orin-nx.'.fmt
set title 'jetson-orin-nx: mean reward per run (higher is better)'
set xlabel 'run index (zerodvfs run 0 is zero-shot)'
set ylabel 'reward'
set key bottom right
set grid
set offsets 0, 0, graph 0.05, graph 0.05
set xrange [-0.5:2.5]
set xtics 1
plot 'convergence-jetson-orin-nx.dat' using 1:2 with linespoints lt 7 lw 2 title 'qlearn (model-free)', \
     '' using 1:3 with linespoints lt 9 lw 2 title 'zerodvfs'
unset output

# ---- pareto-jetson-tx2
reset
set encoding utf8
eval setterm(1320, 1120)
set output 'pareto-jetson-tx2.'.fmt
rows = "performance powersave ondemand conservative schedutil table qlearn zerodvfs-zero-shot zerodvfs"
set multiplot layout 4,4 title 'jetson-tx2: energy against makespan (lower left is better)'
unset key
set offsets graph 0.1, graph 0.1, graph 0.1, graph 0.1
set xlabel 'makespan (s)'
set ylabel 'energy (J)'
set title 'md-cells'
plot for [p=1:9] 'pareto-jetson-tx2.dat' index 0 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'lbm'
plot for [p=1:9] 'pareto-jetson-tx2.dat' index 1 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'nbody'
plot for [p=1:9] 'pareto-jetson-tx2.dat' index 2 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'gemm'
plot for [p=1:9] 'pareto-jetson-tx2.dat' index 3 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'fib'
plot for [p=1:9] 'pareto-jetson-tx2.dat' index 4 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'sparselu'
plot for [p=1:9] 'pareto-jetson-tx2.dat' index 5 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'spmv-csr'
plot for [p=1:9] 'pareto-jetson-tx2.dat' index 6 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'stream-triad'
plot for [p=1:9] 'pareto-jetson-tx2.dat' index 7 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'bfs'
plot for [p=1:9] 'pareto-jetson-tx2.dat' index 8 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'knapsack'
plot for [p=1:9] 'pareto-jetson-tx2.dat' index 9 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'jacobi-2d'
plot for [p=1:9] 'pareto-jetson-tx2.dat' index 10 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'heat-3d'
plot for [p=1:9] 'pareto-jetson-tx2.dat' index 11 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
unset title
unset xlabel
unset ylabel
unset border
unset tics
unset offsets
set xrange [0:1]
set yrange [0:1]
set key center center
plot for [p=1:9] 2 with points lt p ps 1.4 title word(rows, p)
unset multiplot
unset output

# ---- temperature-jetson-tx2
reset
set encoding utf8
eval setterm(900, 520)
set output 'temperature-jetson-tx2.'.fmt
set title 'jetson-tx2, md-cells (seed 1, run 0): hottest zone, far under the thermal limit'
set xlabel 'time (s)'
set ylabel 'temperature (°C)'
set key outside right top
set grid
plot 'temperature-jetson-tx2.dat' index 0 using 1:2 with lines lt 1 lw 1.5 title 'performance', \
     'temperature-jetson-tx2.dat' index 1 using 1:2 with lines lt 3 lw 1.5 title 'ondemand', \
     'temperature-jetson-tx2.dat' index 2 using 1:2 with lines lt 5 lw 1.5 title 'schedutil', \
     'temperature-jetson-tx2.dat' index 3 using 1:2 with lines lt 6 lw 1.5 title 'table', \
     'temperature-jetson-tx2.dat' index 4 using 1:2 with lines lt 8 lw 1.5 title 'zerodvfs-zero-shot'
unset output

# ---- convergence-jetson-tx2
reset
set encoding utf8
eval setterm(800, 480)
set output 'convergence-jetson-tx2.'.fmt
set title 'jetson-tx2: mean reward per run (higher is better)'
set xlabel 'run index (zerodvfs run 0 is zero-shot)'
set ylabel 'reward'
set key bottom right
set grid
set offsets 0, 0, graph 0.05, graph 0.05
set xrange [-0.5:2.5]
set xtics 1
plot 'convergence-jetson-tx2.dat' using 1:2 with linespoints lt 7 lw 2 title 'qlearn (model-free)', \
     '' using 1:3 with linespoints lt 9 lw 2 title 'zerodvfs'
unset output

# ---- pareto-rubik-pi
reset
set encoding utf8
eval setterm(1320, 1120)
set output 'pareto-rubik-pi.'.fmt
rows = "performance powersave ondemand conservative schedutil table qlearn zerodvfs-zero-shot zerodvfs"
set multiplot layout 4,4 title 'rubik-pi: energy against makespan (lower left is better)'
unset key
set offsets graph 0.1, graph 0.1, graph 0.1, graph 0.1
set xlabel 'makespan (s)'
set ylabel 'energy (J)'
set title 'md-cells'
plot for [p=1:9] 'pareto-rubik-pi.dat' index 0 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'lbm'
plot for [p=1:9] 'pareto-rubik-pi.dat' index 1 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'nbody'
plot for [p=1:9] 'pareto-rubik-pi.dat' index 2 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'gemm'
plot for [p=1:9] 'pareto-rubik-pi.dat' index 3 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'fib'
plot for [p=1:9] 'pareto-rubik-pi.dat' index 4 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'sparselu'
plot for [p=1:9] 'pareto-rubik-pi.dat' index 5 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'spmv-csr'
plot for [p=1:9] 'pareto-rubik-pi.dat' index 6 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'stream-triad'
plot for [p=1:9] 'pareto-rubik-pi.dat' index 7 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'bfs'
plot for [p=1:9] 'pareto-rubik-pi.dat' index 8 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'knapsack'
plot for [p=1:9] 'pareto-rubik-pi.dat' index 9 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'jacobi-2d'
plot for [p=1:9] 'pareto-rubik-pi.dat' index 10 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
set title 'heat-3d'
plot for [p=1:9] 'pareto-rubik-pi.dat' index 11 using ($1 == p ? $2 : NaN):3 with points lt p ps 1.4 notitle
unset title
unset xlabel
unset ylabel
unset border
unset tics
unset offsets
set xrange [0:1]
set yrange [0:1]
set key center center
plot for [p=1:9] 2 with points lt p ps 1.4 title word(rows, p)
unset multiplot
unset output

# ---- temperature-rubik-pi
reset
set encoding utf8
eval setterm(900, 520)
set output 'temperature-rubik-pi.'.fmt
set title 'rubik-pi, md-cells (seed 1, run 0): hottest zone'
set xlabel 'time (s)'
set ylabel 'temperature (°C)'
set key outside right top
set grid
plot 'temperature-rubik-pi.dat' index 0 using 1:2 with lines lt 1 lw 1.5 title 'performance', \
     'temperature-rubik-pi.dat' index 1 using 1:2 with lines lt 3 lw 1.5 title 'ondemand', \
     'temperature-rubik-pi.dat' index 2 using 1:2 with lines lt 5 lw 1.5 title 'schedutil', \
     'temperature-rubik-pi.dat' index 3 using 1:2 with lines lt 6 lw 1.5 title 'table', \
     'temperature-rubik-pi.dat' index 4 using 1:2 with lines lt 8 lw 1.5 title 'zerodvfs-zero-shot', \
     85 with lines dt 2 lw 1.5 lc rgb 'red' title 'thermal limit'
unset output

# ---- convergence-rubik-pi
reset
set encoding utf8
eval setterm(800, 480)
set output 'convergence-rubik-pi.'.fmt
set title 'rubik-pi: mean reward per run (higher is better)'
set xlabel 'run index (zerodvfs run 0 is zero-shot)'
set ylabel 'reward'
set key bottom right
set grid
set offsets 0, 0, graph 0.05, graph 0.05
set xrange [-0.5:2.5]
set xtics 1
plot 'convergence-rubik-pi.dat' using 1:2 with linespoints lt 7 lw 2 title 'qlearn (model-free)', \
     '' using 1:3 with linespoints lt 9 lw 2 title 'zerodvfs'
unset output

# ---- accuracy
reset
set encoding utf8
eval setterm(640, 600)
set output 'accuracy.'.fmt
set title 'zerodvfs: predicted against measured makespan'
set xlabel 'measured makespan (s)'
set ylabel 'predicted makespan (s)'
set logscale xy
set size ratio -1
set grid
set xrange [0.453049:413.276]
set yrange [0.453049:413.276]
set key top left

plot 'accuracy.dat' index 0 using 1:2 with points pt 7 ps 0.8 lc 1 title 'core-i7', \
     'accuracy.dat' index 1 using 1:2 with points pt 7 ps 0.8 lc 2 title 'jetson-orin-nx', \
     'accuracy.dat' index 2 using 1:2 with points pt 7 ps 0.8 lc 3 title 'jetson-tx2', \
     'accuracy.dat' index 3 using 1:2 with points pt 7 ps 0.8 lc 4 title 'rubik-pi', \
     x with lines dt 2 lc rgb 'black' title 'y = x'
unset output
