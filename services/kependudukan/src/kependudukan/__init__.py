"""Kependudukan: a region's residents (imported from SIAK exports), citizens' applications for population
documents and changes to their data, the operator's approval applying them and announcing them to the
other services, and the proof that a citizen account's NIK is the holder's own."""
