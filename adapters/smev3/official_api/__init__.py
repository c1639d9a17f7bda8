"""The official «Адаптер СМЭВ 3» interface for the fund's internal systems (SMEV-6).

An internal system written for the official adapter calls ``Send``, ``Get`` and ``Find``
of its SOAP service (schemas ``smev-service-adapter-types.xsd`` and
``smev-service-adapter-faults.xsd``, read from the schema directory); ours answers in the
same shape and carries the requests through the hub to СМЭВ (docs/smev3-adapter-interface.md).
"""
