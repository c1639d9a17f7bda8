"""Tests of contracts/: canonical models and the XML binding."""
