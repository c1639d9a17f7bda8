"""A sample third-party plug-in for OMS Hub, installed from its own pyproject."""
