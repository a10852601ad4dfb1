"""Kesehatan: a region's public directory of health facilities with their poli and practice schedules,
and citizens' queue numbers (antrian) that the facility's operators call and serve."""
