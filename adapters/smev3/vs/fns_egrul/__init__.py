"""ФНС: extract from the register of legal entities ЕГРЮЛ, 311-14 v4.0.6 (выписка из ЕГРЮЛ)."""
