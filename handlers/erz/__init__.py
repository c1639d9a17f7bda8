"""РС ЕРЗ: the regional register of insured persons (ЗЛ) with full history (ERZ-1…ERZ-8).

``service`` is the handler, ``models`` the tables (``migrations/`` their Alembic branch),
``port`` the read port the SOAP services use (contracts/erz/port.py), ``console/`` the
screens. The domain is in one subpackage per concern: ``register/`` (the register, its
history, reads, ФЛК), ``smo/`` and ``oplist/`` (insurers' lists), ``mo/`` (clinics and
attachment), ``buffer/``, ``zags/``, ``slices/``, ``synth/``. docs/plugin-anatomy.md maps
them; the design of the history is in docs/erz-register.md.
"""
