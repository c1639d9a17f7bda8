"""The ФФОМС НСИ portal simulated (``adapter.nsi-simulator``, ``omshub sim nsi``).

``contracts/nsi_synthetic.py`` (the dictionaries no public copy of which exists, made up and
said so — shared with the handler's demo),
``portal.py`` (what is published: versions, their XML and zips), ``service.py`` (over HTTP).
"""
