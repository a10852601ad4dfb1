"""Kesehatan: the region's facility directory, practice schedules and queue bookings.

Who may do what lives here, in one place: anyone reads the directory; the region's kesehatan operators
and its admin daerah write it and run the queues; a citizen (warga with a NIK) books and cancels their
own queue numbers.

One module per topic (fasilitas, antrian, data_pasien; access holds the shared checks); callers import
this package: `from kesehatan import service`.
"""

from kesehatan.service.access import mask_nik, today_in, warga_nik
from kesehatan.service.antrian import (
    AKSI_OPERATOR,
    ALASAN_MENINGGAL,
    ALASAN_PEMOHON,
    BATAS_HARI_PEMESANAN,
    STATUS_LABEL,
    AntrianGanda,
    KuotaPenuh,
    PasienMeninggal,
    StatusTidakSesuai,
    TanggalTidakValid,
    TidakAdaJadwal,
    advance,
    book,
    cancel,
    cancel_for_death,
    day_queue,
    my_bookings,
    queue_status,
)
from kesehatan.service.data_pasien import pasien
from kesehatan.service.fasilitas import (
    EDISI_KODE,
    create_fasilitas,
    create_jadwal,
    create_poli,
    delete_jadwal,
    fasilitas_detail,
    haversine_km,
    list_fasilitas,
    nama_wilayah,
    update_fasilitas,
)

__all__ = [
    "AKSI_OPERATOR",
    "ALASAN_MENINGGAL",
    "ALASAN_PEMOHON",
    "BATAS_HARI_PEMESANAN",
    "EDISI_KODE",
    "STATUS_LABEL",
    "AntrianGanda",
    "KuotaPenuh",
    "PasienMeninggal",
    "StatusTidakSesuai",
    "TanggalTidakValid",
    "TidakAdaJadwal",
    "advance",
    "book",
    "cancel",
    "cancel_for_death",
    "create_fasilitas",
    "create_jadwal",
    "create_poli",
    "day_queue",
    "delete_jadwal",
    "fasilitas_detail",
    "haversine_km",
    "list_fasilitas",
    "mask_nik",
    "my_bookings",
    "nama_wilayah",
    "pasien",
    "queue_status",
    "today_in",
    "update_fasilitas",
    "warga_nik",
]
