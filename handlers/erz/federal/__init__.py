"""The register's federal side (ERZ-4): what ФЕРЗЛ (ЦС ЕРЗ) says against what the region holds.
"""
