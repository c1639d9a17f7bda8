"""Identification of insured persons for any handler (``person.identify``): the regional
register first, then ФЕРЗЛ (:mod:`.regional`, :mod:`.federal`, :mod:`.flow`)."""
