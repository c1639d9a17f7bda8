"""ПУМП: registries of accounts from clinics (PUMP-1…PUMP-6, issue 14).

Built so far: ``names.py`` (the package naming ``<type><kind><code><kind><code>_<YYMM><N>``),
``xml.py`` (the federal files without a namespace put into the XSDs' one as a stream, the
schemas), ``synth/`` (synthetic H+L packages of VERSION 3.1, written as a stream),
``intake/`` (PUMP-1: a package checked as a whole and read as a stream into compact rows),
``models.py`` and ``migrations/`` (branch ``pump``), ``service.py`` (``handler.pump``:
``files.received`` of format ``pump.package``), ``cli.py`` (``omshub pump synth``).
docs/pump.md.
"""
