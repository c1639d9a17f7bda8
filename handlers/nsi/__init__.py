"""НСИ: the store of ФФОМС reference dictionaries with every version (EXT-7).

``models.py`` (dictionaries, versions, rows), ``reader.py`` (a dictionary XML read as a
stream, safely), ``store.py`` (files, zips, folders; a version loaded once), ``check.py`` (is a
code valid on a date, cached per version: the port ``nsi.dictionaries`` of
:mod:`contracts.nsi`), ``diff.py`` (what changed between two versions), ``refresh.py`` and
``settings.py`` (the scheduled refresh from a portal served as nsi.ffoms.ru), ``simulator/``
(that portal simulated, with synthetic dictionaries), ``cli.py`` (``omshub nsi
load|list|check``), ``console/`` («Справочники НСИ»), ``demo.py``. docs/nsi.md.
"""
