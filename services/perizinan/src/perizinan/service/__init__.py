"""Perizinan: permit types, applications on the kit's PERMOHONAN workflow, issued permits and their check.

Who may see or do what lives here, in one place: the applicant sees their own applications; staff are
operators granted (region, perizinan) and the region's admin; anyone else gets a 404 for an application,
so its existence is not revealed.

One module per topic (jenis_izin, permohonan, izin, data_pemohon; access and reading are shared helpers);
callers import this package: `from perizinan import service`.
"""

from perizinan.service.data_pemohon import mask_nik, pemohon
from perizinan.service.izin import (
    LAYANAN,
    STATUS_IZIN_LABEL,
    cabut_izin,
    izin_detail,
    izin_pdf,
    mask_nama,
    terbitkan,
    verification_url,
    verifikasi,
)
from perizinan.service.jenis_izin import create_jenis_izin, list_jenis_izin, update_jenis_izin
from perizinan.service.permohonan import (
    EDISI_WILAYAH,
    NOMOR_PREFIX,
    UPLOAD_STATUSES,
    DokumenBelumLengkap,
    create_permohonan,
    dokumen_file,
    lacak,
    list_for_staff,
    list_mine,
    permohonan_detail,
    transition,
    upload_dokumen,
)

__all__ = [
    "EDISI_WILAYAH",
    "LAYANAN",
    "NOMOR_PREFIX",
    "STATUS_IZIN_LABEL",
    "UPLOAD_STATUSES",
    "DokumenBelumLengkap",
    "cabut_izin",
    "create_jenis_izin",
    "create_permohonan",
    "dokumen_file",
    "izin_detail",
    "izin_pdf",
    "lacak",
    "list_for_staff",
    "list_jenis_izin",
    "list_mine",
    "mask_nama",
    "mask_nik",
    "pemohon",
    "permohonan_detail",
    "terbitkan",
    "transition",
    "update_jenis_izin",
    "upload_dokumen",
    "verification_url",
    "verifikasi",
]
