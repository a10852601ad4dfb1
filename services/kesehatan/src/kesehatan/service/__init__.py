"""Kesehatan's service layer, one module per topic; callers import the module they need:
`from kesehatan.service import antrian` then `antrian.book(...)`.

- `fasilitas`: the directory of facilities, their poli and weekly practice schedules.
- `antrian`: queue bookings; a citizen books and cancels their own, operators call and serve, a death
  cancels the waiting ones.
- `data_pasien`: what staff may look up about a patient by NIK.

Who may call each route is declared on the route (`puja_kit.access`): anyone reads the directory and a
queue's summary; the region's kesehatan operators and its admin daerah write the directory and run the
queues; a citizen books by the NIK they proved. What is left here is ownership: a citizen's booking is
found only for its owner.
"""
