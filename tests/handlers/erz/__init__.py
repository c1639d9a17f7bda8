"""Tests of handlers/erz, one folder per subpackage."""
