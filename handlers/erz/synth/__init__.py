"""A synthetic population for the demo, tests and benchmarks.
"""
