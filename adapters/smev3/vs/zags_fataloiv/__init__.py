"""ЗАГС death records for executive authorities, 112-41 v4.0.0 (сведения о смерти для ОИВ)."""
