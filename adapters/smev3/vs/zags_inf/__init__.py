"""What the on-request ЕГР ЗАГС formats share (112-51, 112-53…112-56); not a type itself.

The fund asks ЕГР ЗАГС for act records about a person and ЗАГС answers. The five formats
have one request shape (СведОсн, СведЗапрос with СведАГС and СведФЛ, ИдЗапрос, КолДок,
ТипАГС) and one answer envelope (СведОтветАГС with РезОбраб around the act records), each
in its own namespace. :mod:`.types` and :mod:`.request` hold the shared bound types as
generics over the format (:class:`~.types.Format`, its two namespaces): a format's
``messages`` names its namespaces once and parametrises them (``FullName[RogdInf]``),
declaring only what its schema adds; :mod:`.answer` the answer envelope; :mod:`.mapping`
the information type they all are and the mapping of ``zags.inquiry``.
"""
