"""HL3xx: TLS."""
