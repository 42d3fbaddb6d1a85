"""Benchmarks: `make bench` (this assistant against a stock `rasa init` bot) and, later,
`make bench-load`."""
