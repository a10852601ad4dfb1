"""Perizinan: a region's permit types, citizens' permit applications on the kit's PERMOHONAN workflow,
issued permits as PDF with a public verification code, and their revocation."""
