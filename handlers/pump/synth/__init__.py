"""Synthetic registry packages (no public complete H file exists): ``cases.py`` (a case and
a person as plain data, a pure function of the seed and the index), ``packages.py`` (the H
and L files written into a zip as a stream, with a knob to break an element)."""
