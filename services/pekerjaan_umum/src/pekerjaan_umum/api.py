"""Pekerjaan umum's API under /api/pekerjaan-umum/v1/{tenant}: who may call each route is in its signature.

The damage reports' routes (and their Open311 endpoint) come from the kit's report layanan."""

from fastapi import APIRouter
from puja_kit.workflow.laporan_api import add_laporan_routes

from pekerjaan_umum.laporan import JENIS

router = APIRouter(prefix="/{tenant}")
add_laporan_routes(router, JENIS)
