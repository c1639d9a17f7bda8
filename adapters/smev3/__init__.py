"""The СМЭВ 3 adapter ("СМЭВ-брокер"): protocol, signing, polling, information types.

Information types (виды сведений) are plug-ins registered under the entry point group
``omshub.smev3.types``; see :mod:`adapters.smev3.types`.
"""
