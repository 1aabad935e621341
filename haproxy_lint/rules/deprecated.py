"""HL6xx: deprecated and removed syntax, by target version."""
