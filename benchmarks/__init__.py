"""graphdyn's benchmark harness: ``benchmarks/run`` (see ``benchmarks/README.md``)."""
