"""Trantibumlinmas' tests run on the kit's `layanan` fixture (puja_kit.testing.layanan): the service
in-process, regions X (63.08) and Y (63.09) that enabled it, and every kind of caller. Data helpers
are in factories.py."""
