"""ФОМС: medical services rendered to an insured person and their cost (оказанные услуги)."""
