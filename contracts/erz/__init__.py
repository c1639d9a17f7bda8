"""Canonical models and XML mappings of the РС ЕРЗ exchange files — the one place that knows them.

Two families of files, both element-heavy, mapped with :mod:`contracts.xmlbind`:

- the lists between the regional register (РС ЕРЗ) and the insurers (СМО), in the
  ``http://tempuri.org/XMLSchema.xsd`` namespace of rt.srz's XSDs (OPLIST, REPLIST, RECLIST,
  STOPLIST, CONFLICTLIST, FLK_P): :mod:`contracts.erz.common` (the shared ``TargetClass.xsd``
  types) and :mod:`contracts.erz.lists`;
- the attachment (прикрепление, РПН) files of the Vologda ТФОМС regulations, with no
  namespace and no public XSD (ATT, its FLK_P answer, PRK): :mod:`contracts.erz.attachment`.

:mod:`contracts.erz.names` parses and builds file names; :mod:`contracts.erz.files` reads a
file's bytes into a model (or a list of problems ready for a format-control protocol) and
writes a model back to bytes. See ``docs/erz-files.md``.

What the register publishes to other components lives here too: its read model
(:mod:`contracts.erz.register`), its ФЛК codes (:mod:`contracts.erz.failures`) and the port a
channel reads it through (:mod:`contracts.erz.port`; ``docs/design.md``, "Ports").
"""
