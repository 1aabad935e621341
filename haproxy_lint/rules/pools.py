"""HL5xx: pool composition."""
