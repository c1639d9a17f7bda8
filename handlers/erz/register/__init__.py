"""The register itself: persons with full valid-time history, its reads, writes, ФЛК checks,
dictionaries and error codes (ERZ-1, ERZ-3, ERZ-7).
"""
