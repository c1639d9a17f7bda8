"""Declarative XML binding shared by every external format the hub maps.

:mod:`contracts.xmlbind.binding` describes the XML of a canonical model in its fields
(attributes, child elements, text) and maps both directions; :mod:`contracts.xmlbind.fields`
holds the pydantic constraints of the simple types official formats use. The СМЭВ
information types (``adapters/smev3/vs``) and the РС ЕРЗ exchange files (``contracts/erz``)
are written with it.
"""
