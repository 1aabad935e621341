"""HL9xx: structure: names, references and keywords across the whole configuration."""
