"""ЗАГС death records: matched, applied or buffered, each act taken once (ERZ-5).
"""
