"""РС ЕРЗ: the regional register of insured persons (ЗЛ) with full history (ERZ-1…ERZ-8).

``models`` holds the tables, ``register`` the domain operations over a SQLAlchemy
connection, ``queries`` the reads (as of a date, timeline, search, deltas), ``checks`` the
ФЛК checks, ``synth`` a synthetic population and ``service`` the handler. The design of the
history is in docs/erz-register.md.
"""
