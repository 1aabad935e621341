"""HL4xx: DNS and addresses."""
