"""ФНС: extract from the register of entrepreneurs ЕГРИП, 311-15 v4.0.5 (выписка из ЕГРИП)."""
