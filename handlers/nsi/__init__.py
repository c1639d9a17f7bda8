"""НСИ: the store of ФФОМС reference dictionaries with every version (EXT-7).

``models.py`` (dictionaries, versions, rows), ``reader.py`` (a dictionary XML or zip read
as a stream), ``store.py`` (a version loaded once), ``check.py`` (is a code valid on a date,
cached per version; the port ``nsi.dictionaries``), ``portal.py`` (the ФФОМС portal's
protocol: the refresh's client), ``simulator/`` (the portal simulated), ``cli.py``
(``omshub nsi load|list|check``), ``console/``. docs/nsi.md.
"""
