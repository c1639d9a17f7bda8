"""НСИ: the store of ФФОМС reference dictionaries with every version (EXT-7).

``models.py`` (dictionaries, versions, rows), ``store.py`` (files, zips, folders; a version
loaded once; the XML read by ``contracts/nsi_reader.py``, shared with the portal's simulator),
``check.py`` (is a code valid on a date, cached per version: the port ``nsi.dictionaries`` of
:mod:`contracts.nsi`), ``diff.py`` (what changed between two versions), ``service.py``
(``handler.nsi``: loads each version ``adapter.nsi`` publishes as ``nsi.version.published``),
``cli.py`` (``omshub nsi load|list|check``), ``console/`` («Справочники НСИ»), ``demo.py``.
docs/nsi.md.
"""
