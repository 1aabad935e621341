"""HL7xx: runtime API and observability."""
