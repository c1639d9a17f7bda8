"""OMS Hub tests (a regular package: a dependency ships a stray top-level `tests`)."""
