"""ФГИС ФРИ: extract of a disabled person's data, 1.0.3 (выписка сведений об инвалиде)."""
