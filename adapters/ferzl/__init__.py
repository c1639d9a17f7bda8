"""ФЕРЗЛ (ЦС ЕРЗ, ГИС ОМС): the client of the federal register's web services for ТФОМС (EXT-4)."""
