"""Pekerjaan umum: damage reports of public works (roads, bridges, drainage, street lights) on the kit's
report lifecycle (SP4N-LAPOR!), with location, photos without GPS, nearby duplicates and the OPD that
acts. The infrastructure inventory, projects and heavy-equipment rental come later."""
