"""Pekerjaan umum's tests run on the kit's `layanan` fixture (puja_kit.testing.layanan): the service
in-process, regions X and Y that enabled it, and every kind of caller. Data helpers are in factories.py."""
