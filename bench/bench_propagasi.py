"""Time from an operator's approval in kependudukan to the change being visible in kesehatan and
perizinan, through the gateway, with the whole platform running as `make run` starts it.

    uv run python bench/bench_propagasi.py --changes 20

Baseline, in the same run: one plain authenticated GET through the gateway. Reported: median and
worst latency of each, and their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from puja_kit.catalog import load_catalog
from puja_kit.stack import LocalStack, StackPorts

DEMO = "/api/{layanan}/v1/kab-hulu-sungai-utara"
NIK = "6308051708900001"
PDF = b"%PDF-1.4\n"
DESA = ["63.08.04.2001", "63.08.06.2003", "63.08.02.2001", "63.08.05.1002"]


async def login(gw: httpx.AsyncClient, username: str) -> dict[str, str]:
    token = (
        await gw.post("/api/akun/v1/login", json={"username": username, "password": "pujaindah-demo"})
    ).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


async def measure(url: str, changes: int) -> tuple[list[float], list[float]]:
    kdk = DEMO.format(layanan="kependudukan")
    views = [
        f"{DEMO.format(layanan='kesehatan')}/pasien/{NIK}",
        f"{DEMO.format(layanan='perizinan')}/pemohon/{NIK}",
    ]
    async with httpx.AsyncClient(base_url=url, timeout=30) as gw:
        warga, operator = await login(gw, "demo-warga"), await login(gw, "demo-operator")
        latencies, baseline = [], []
        for index in range(changes):
            street = f"Jl. Uji Propagasi No. {index + 1}"
            body = {
                "jenis": "PINDAH",
                "alamat_baru": {"alamat": street, "kode_wilayah": DESA[index % len(DESA)]},
            }
            pid = (await gw.post(f"{kdk}/permohonan", json=body, headers=warga)).json()["id"]
            for jenis in ("KTP", "KK"):
                await gw.post(
                    f"{kdk}/permohonan/{pid}/dokumen",
                    data={"jenis": jenis},
                    files={"berkas": ("d.pdf", PDF, "application/pdf")},
                    headers=warga,
                )
            await gw.post(f"{kdk}/permohonan/{pid}/ajukan", headers=warga)
            started = time.perf_counter()
            await gw.post(
                f"{kdk}/permohonan/{pid}/setujui", json={"nomor_dokumen": f"B-{index}"}, headers=operator
            )
            pending = set(views)
            while pending:
                for view in list(pending):
                    response = await gw.get(view, headers=operator)
                    if (
                        response.status_code == 200
                        and (response.json().get("alamat") or {}).get("alamat") == street
                    ):
                        pending.discard(view)
                await asyncio.sleep(0.01)
            latencies.append(time.perf_counter() - started)
            started = time.perf_counter()
            await gw.get(views[0], headers=operator)
            baseline.append(time.perf_counter() - started)
        return latencies, baseline


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()
    catalog = load_catalog()
    with tempfile.TemporaryDirectory() as folder:
        stack = LocalStack(Path(folder), StackPorts.free(catalog))
        try:
            stack.start()
            stack.seed_demo()
            latencies, baseline = asyncio.run(measure(stack.gateway_url, args.changes))
        finally:
            stack.stop()
    ms = [x * 1000 for x in latencies]
    base = [x * 1000 for x in baseline]
    print(f"propagasi persetujuan -> terlihat di kesehatan dan perizinan, {args.changes} perubahan")
    print(f"  latensi: median {statistics.median(ms):.0f} ms, terburuk {max(ms):.0f} ms")
    print(f"  baseline (satu GET lewat gateway): median {statistics.median(base):.1f} ms")
    print(f"  rasio median: {statistics.median(ms) / statistics.median(base):.1f}x")


if __name__ == "__main__":
    main()
