"""What the ЕГР ЗАГС formats declare alike (112-01…112-56); not a type itself.

Every ЗАГС format ships its own copy of the same complex types (ФИОПрТип, ДатаДокТип,
ОрганЗАГСТип, УдЛичнФЛПрТип, АдрМЖТип, ЗапАктТип, СведДокОснТип, СведИзмАГСТип,
СведСвидетТип…), each in its own namespace. :mod:`.types` declares each once, with no
namespace and generic over the types it nests; a format's ``commons`` (or ``messages``)
parametrises and subclasses them with its namespace, and overrides only what its schema
declares otherwise.
"""
