"""PUMP-1, intake: a package checked as a whole and read as a stream into compact rows.

``problems.py`` (the refusals with their codes, for the protocol of item 4),
``archive.py`` (the zip: limits, its two files, their names), ``reader.py`` (a file's
encoding, no DTD, the XSD while reading, the records as rows), ``store.py`` (a package
stored or refused in one transaction, duplicates refused).
"""
