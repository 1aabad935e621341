"""HL1xx: health checks."""
