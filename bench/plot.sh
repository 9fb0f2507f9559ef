#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/plot.sh: ipcspec-bench's CSV as PNG plots, one per placement:
# round-trip latency (median) and one-way throughput (MB/s) against message
# size, one line per mechanism and path (impl/ solid, raw dashed).
#
#   bench/plot.sh bench-results/bench.csv [OUT_DIR]
#
# Writes OUT_DIR/bench-<placement>.png (OUT_DIR defaults to the CSV's
# directory). Needs gnuplot (Debian: gnuplot-nox). The signals, which carry
# one int, are points at 4 B. See also: bench/main.c (the CSV's columns),
# README.md ("What each mechanism costs").
set -euo pipefail
csv=${1:?usage: bench/plot.sh BENCH.CSV [OUT_DIR]}
out=${2:-$(dirname "$csv")}
if ! command -v gnuplot >/dev/null; then
  echo "bench/plot.sh: gnuplot is missing (Debian: apt-get install gnuplot-nox)" >&2
  exit 1
fi

# The CSV's columns (bench/report.c): 1 mechanism, 2 via, 3 size,
# 4 placement, 6 round trip p50 in us, 18 MB/s.
mapfile -t series < <(awk -F, 'NR > 1 { print $1 "," $2 }' "$csv" | awk '!seen[$0]++')
mapfile -t mechs < <(printf '%s\n' "${series[@]}" | cut -d, -f1 | awk '!seen[$0]++')
mapfile -t places < <(awk -F, 'NR > 1 { print $4 }' "$csv" | awk '!seen[$0]++')

# One colour per mechanism (distinct enough for a dozen lines).
colors=("#1f77b4" "#ff7f0e" "#2ca02c" "#d62728" "#9467bd" "#8c564b" "#e377c2" "#7f7f7f"
        "#bcbd22" "#17becf" "#000000" "#aec7e8")

# One plot clause per series for column col, in placement place.
clauses() {
  local col=$1 place=$2 sep="" s m v color dash
  for s in "${series[@]}"; do
    m=${s%,*}
    v=${s#*,}
    color=${colors[0]}
    for i in "${!mechs[@]}"; do
      [[ ${mechs[$i]} == "$m" ]] && color=${colors[$((i % ${#colors[@]}))]}
    done
    dash=1
    [[ $v == raw ]] && dash=2
    printf '%s"< awk -F, '\''$1==\\"%s\\" && $2==\\"%s\\" && $4==\\"%s\\"'\'' %s" using 3:%s with linespoints lc rgb \"%s\" dt %d pt 7 ps 0.6 title "%s %s"' \
      "$sep" "$m" "$v" "$place" "$csv" "$col" "$color" "$dash" "$m" "$v"
    sep=", "
  done
}

for place in "${places[@]}"; do
  png=$out/bench-$place.png
  gnuplot <<EOF
set terminal pngcairo size 1500,650 font ",10"
set output "$png"
set datafile separator ","
set logscale xy
set xtics ("16" 16, "256" 256, "4K" 4096, "64K" 65536, "1M" 1048576)
set xrange [3:1500000]
set grid
set key outside right top vertical font ",8" spacing 0.9
set multiplot layout 1,2 title "ipcspec-bench, placement: $place (impl/ solid, raw dashed)"
set title "round trip, median (us)"
set xlabel "message size (bytes)"
set ylabel "us"
unset key
plot $(clauses 6 "$place")
set title "one-way throughput (MB/s)"
set ylabel "MB/s"
set key
plot $(clauses 18 "$place")
unset multiplot
EOF
  echo "bench/plot.sh: wrote $png"
done
