"""Aspirasi DPRD: layanan aspirasi of Puja Indah."""
