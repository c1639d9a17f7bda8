"""The ФФОМС НСИ portal (nsi.ffoms.ru): ``adapter.nsi`` and its simulator (EXT-7).

``portal.py`` (the portal's list and a version's zip over HTTP), ``settings.py``
(``[plugins.nsi]``), ``service.py`` (``adapter.nsi``: the daily job publishing each new version
as ``nsi.version.published`` with its zip attached, for ``handler.nsi`` to load),
``simulator/`` (the portal simulated: ``adapter.nsi-simulator``, ``omshub sim nsi``).
docs/nsi.md.
"""
