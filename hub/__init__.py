"""OMS Hub core: the bus, the router, the component runtime, plug-ins, scheduling, the CLI."""
