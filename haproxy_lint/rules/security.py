"""HL8xx: security."""
