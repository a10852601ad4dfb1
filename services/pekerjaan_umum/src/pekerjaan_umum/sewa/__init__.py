"""Heavy-equipment rental: the region's machines, its tariff per kind (Perda retribusi), bookings with
their history, a calendar per machine and a waiting queue."""
