"""Tests of the files and ViPNet adapters."""
