"""A simulator of СМЭВ 3 built to the public schemas: the counterpart the adapter talks to in
tests and in the embedded hub (``adapter.smev3-simulator``).
"""
