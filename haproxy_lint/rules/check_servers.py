"""HL1xx: health checks, on the server side: which servers are checked, on which port, with
which transport."""
