#!/usr/bin/env bash
# Sourced by the benchmark scripts: machine_speed prints the seconds a fixed, CPU-bound Python loop (5,000,000
# additions) takes right now. This machine's speed moves by up to half within an hour, so every pass quotes it next to
# its figures (before and after): about 0.30-0.35 s on a fast hour here, 0.5-0.7 s on a slow one. The earlier passes'
# check was a loop of the same kind kept outside the repository.
machine_speed() {
    python3 -c '
import time
t = time.perf_counter()
s = 0
for i in range(5_000_000):
    s += i
print(f"{time.perf_counter() - t:.3f}")' 2>/dev/null || echo '?'
}
