// moat-bench: prints throughput and scale figures (run with `swift run -c release moat-bench`).
print("moat-bench: no benchmarks yet")
