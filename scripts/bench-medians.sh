#!/usr/bin/env bash
# Shared by the bench-*.sh scripts: bench_medians WIDTH reads "name value" lines on stdin (one per run) and prints,
# per name, the median and every run in the order the runs came (round order), sorted by name.
bench_medians() {
    sort -s -k1,1 | awk -v width="$1" '
        { key = $1; values[key] = values[key] " " $2; n[key]++ }
        END {
            for (key in values) {
                split(substr(values[key], 2), v, " ")
                m = n[key]
                for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
                median = (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
                printf "  %-*s median %9.1f   runs:%s\n", width, key, median, values[key]
            }
        }' | sort
}
