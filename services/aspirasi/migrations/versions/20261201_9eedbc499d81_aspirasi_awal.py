"""aspirasi awal

The kit's tables, the DPRD's (fraksi, komisi, anggota), its agenda, the aspirations on the kit's report
tables and their pokir proposals; row-level security on region-owned tables is applied by every upgrade
(puja_kit.rls), not written here.

Revision ID: 9eedbc499d81
Revises:
Create Date: 2026-12-01 14:16:45.121108
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

from puja_kit.migrations import create_kit_tables, drop_kit_tables

revision: str = '9eedbc499d81'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_kit_tables()
    op.create_table('aspirasi',
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('tenant_id', sqlmodel.sql.sqltypes.AutoString(length=13), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('nomor', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('kategori', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('isi', sa.Text(), nullable=False),
    sa.Column('pelapor_id', sa.Uuid(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lokasi_dibagikan', sa.Boolean(), nullable=False),
    sa.Column('anonim_publik', sa.Boolean(), nullable=False),
    sa.Column('anonim_opd', sa.Boolean(), nullable=False),
    sa.Column('opd_id', sa.Uuid(), nullable=True),
    sa.Column('opd_nama', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('dialihkan_ke', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('sla_jatuh_tempo', sa.Date(), nullable=True),
    sa.Column('sla_tahap', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('tepat_waktu', sa.Boolean(), nullable=True),
    sa.Column('diterima_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('dijawab_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('tutup_otomatis_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ditutup_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('jawaban_ke', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('dinilai_jawaban_ke', sa.Integer(), nullable=True),
    sa.Column('mengikuti_id', sa.Uuid(), nullable=True),
    sa.Column('alamat', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('pelapor_nama', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('atribut', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('diterbitkan', sa.Boolean(), nullable=False),
    sa.Column('pokir_status', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aspirasi')),
    sa.UniqueConstraint('tenant_id', 'nomor', name=op.f('uq_aspirasi_tenant_id_nomor'))
    )
    op.create_index('ix_aspirasi_daerah_id', 'aspirasi', ['tenant_id', 'id'], unique=False)
    op.create_index('ix_aspirasi_daerah_komisi_dijawab', 'aspirasi', ['tenant_id', 'opd_id', 'dijawab_at', 'id'], unique=False, postgresql_where=sa.text("status IN ('SELESAI', 'DITUTUP') AND dijawab_at IS NOT NULL AND diterbitkan"))
    op.create_index('ix_aspirasi_daerah_lokasi', 'aspirasi', ['tenant_id', 'kategori', 'lat', 'lon'], unique=False)
    op.create_index('ix_aspirasi_daerah_opd_sla', 'aspirasi', ['tenant_id', 'opd_id', 'sla_jatuh_tempo', 'id'], unique=False, postgresql_where=sa.text('sla_jatuh_tempo IS NOT NULL'))
    op.create_index('ix_aspirasi_daerah_sla_berjalan', 'aspirasi', ['tenant_id', 'sla_jatuh_tempo', 'id'], unique=False, postgresql_where=sa.text('sla_jatuh_tempo IS NOT NULL'))
    op.create_index('ix_aspirasi_daerah_status_sla', 'aspirasi', ['tenant_id', 'status', 'sla_jatuh_tempo', 'id'], unique=False)
    op.create_index('ix_aspirasi_daerah_terbit', 'aspirasi', ['tenant_id', 'id'], unique=False, postgresql_where=sa.text('diterbitkan'))
    op.create_index(op.f('ix_aspirasi_mengikuti_id'), 'aspirasi', ['mengikuti_id'], unique=False)
    op.create_index(op.f('ix_aspirasi_nomor'), 'aspirasi', ['nomor'], unique=False)
    op.create_index(op.f('ix_aspirasi_opd_id'), 'aspirasi', ['opd_id'], unique=False)
    op.create_index(op.f('ix_aspirasi_pelapor_id'), 'aspirasi', ['pelapor_id'], unique=False)
    op.create_index(op.f('ix_aspirasi_status'), 'aspirasi', ['status'], unique=False)
    op.create_index(op.f('ix_aspirasi_tenant_id'), 'aspirasi', ['tenant_id'], unique=False)
    op.create_index('ix_aspirasi_tutup_otomatis', 'aspirasi', ['tutup_otomatis_at'], unique=False, postgresql_where=sa.text("status = 'SELESAI'"))
    op.create_table('aspirasi_aturan',
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('tenant_id', sqlmodel.sql.sqltypes.AutoString(length=13), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kategori', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('sla_verifikasi', sa.Integer(), nullable=False),
    sa.Column('sla_tindak_lanjut', sa.Integer(), nullable=False),
    sa.Column('buka_kembali_hari', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aspirasi_aturan')),
    sa.UniqueConstraint('tenant_id', 'kategori', name=op.f('uq_aspirasi_aturan_tenant_id_kategori'))
    )
    op.create_index(op.f('ix_aspirasi_aturan_tenant_id'), 'aspirasi_aturan', ['tenant_id'], unique=False)
    op.create_table('fraksi',
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('tenant_id', sqlmodel.sql.sqltypes.AutoString(length=13), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('nama', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('singkatan', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('aktif', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fraksi')),
    sa.UniqueConstraint('tenant_id', 'nama', name=op.f('uq_fraksi_tenant_id_nama')),
    sa.UniqueConstraint('tenant_id', 'singkatan', name=op.f('uq_fraksi_tenant_id_singkatan'))
    )
    op.create_index(op.f('ix_fraksi_tenant_id'), 'fraksi', ['tenant_id'], unique=False)
    op.create_table('komisi',
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('tenant_id', sqlmodel.sql.sqltypes.AutoString(length=13), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('nama', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('bidang', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('mitra', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('aktif', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_komisi')),
    sa.UniqueConstraint('tenant_id', 'nama', name=op.f('uq_komisi_tenant_id_nama'))
    )
    op.create_index(op.f('ix_komisi_tenant_id'), 'komisi', ['tenant_id'], unique=False)
    op.create_table('agenda',
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('tenant_id', sqlmodel.sql.sqltypes.AutoString(length=13), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('jenis', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('judul', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('komisi_id', sa.Uuid(), nullable=True),
    sa.Column('kode_wilayah', sqlmodel.sql.sqltypes.AutoString(length=13), nullable=True),
    sa.Column('nama_wilayah', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('edisi_kode', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('tempat', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('mulai', sa.DateTime(timezone=True), nullable=False),
    sa.Column('selesai', sa.DateTime(timezone=True), nullable=False),
    sa.Column('keterangan', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('catatan_status', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.CheckConstraint("jenis IN ('RESES', 'RDP')", name=op.f('ck_agenda_jenis')),
    sa.CheckConstraint("status IN ('TERJADWAL', 'SELESAI', 'DIBATALKAN')", name=op.f('ck_agenda_status')),
    sa.CheckConstraint('mulai < selesai', name=op.f('ck_agenda_waktu')),
    sa.ForeignKeyConstraint(['komisi_id'], ['komisi.id'], name=op.f('fk_agenda_komisi_id_komisi')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda'))
    )
    op.create_index('ix_agenda_daerah_mulai', 'agenda', ['tenant_id', 'mulai', 'id'], unique=False)
    op.create_index(op.f('ix_agenda_komisi_id'), 'agenda', ['komisi_id'], unique=False)
    op.create_index(op.f('ix_agenda_tenant_id'), 'agenda', ['tenant_id'], unique=False)
    op.create_table('anggota',
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('tenant_id', sqlmodel.sql.sqltypes.AutoString(length=13), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('nama', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('fraksi_id', sa.Uuid(), nullable=False),
    sa.Column('komisi_id', sa.Uuid(), nullable=True),
    sa.Column('dapil', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('jabatan', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('periode_mulai', sa.Date(), nullable=False),
    sa.Column('periode_selesai', sa.Date(), nullable=False),
    sa.Column('aktif', sa.Boolean(), nullable=False),
    sa.CheckConstraint("jabatan IN ('KETUA', 'WAKIL_KETUA', 'SEKRETARIS', 'ANGGOTA')", name=op.f('ck_anggota_jabatan')),
    sa.CheckConstraint('periode_mulai < periode_selesai', name=op.f('ck_anggota_periode')),
    sa.ForeignKeyConstraint(['fraksi_id'], ['fraksi.id'], name=op.f('fk_anggota_fraksi_id_fraksi')),
    sa.ForeignKeyConstraint(['komisi_id'], ['komisi.id'], name=op.f('fk_anggota_komisi_id_komisi')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_anggota'))
    )
    op.create_index(op.f('ix_anggota_fraksi_id'), 'anggota', ['fraksi_id'], unique=False)
    op.create_index(op.f('ix_anggota_komisi_id'), 'anggota', ['komisi_id'], unique=False)
    op.create_index(op.f('ix_anggota_tenant_id'), 'anggota', ['tenant_id'], unique=False)
    op.create_table('aspirasi_foto',
    sa.Column('tenant_id', sqlmodel.sql.sqltypes.AutoString(length=13), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('storage_key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('ukuran', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('diunggah_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('laporan_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['laporan_id'], ['aspirasi.id'], name=op.f('fk_aspirasi_foto_laporan_id_aspirasi')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aspirasi_foto'))
    )
    op.create_index(op.f('ix_aspirasi_foto_laporan_id'), 'aspirasi_foto', ['laporan_id'], unique=False)
    op.create_index(op.f('ix_aspirasi_foto_tenant_id'), 'aspirasi_foto', ['tenant_id'], unique=False)
    op.create_table('aspirasi_riwayat',
    sa.Column('tenant_id', sqlmodel.sql.sqltypes.AutoString(length=13), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('aduan_id', sa.Uuid(), nullable=False),
    sa.Column('dari', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    sa.Column('ke', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('aksi', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('actor_role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('catatan', sa.Text(), nullable=True),
    sa.Column('opd_dari_id', sa.Uuid(), nullable=True),
    sa.Column('opd_dari_nama', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('opd_ke_id', sa.Uuid(), nullable=True),
    sa.Column('opd_ke_nama', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('waktu', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['aduan_id'], ['aspirasi.id'], name=op.f('fk_aspirasi_riwayat_aduan_id_aspirasi')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aspirasi_riwayat'))
    )
    op.create_index(op.f('ix_aspirasi_riwayat_aduan_id'), 'aspirasi_riwayat', ['aduan_id'], unique=False)
    op.create_index(op.f('ix_aspirasi_riwayat_tenant_id'), 'aspirasi_riwayat', ['tenant_id'], unique=False)
    op.create_table('agenda_anggota',
    sa.Column('tenant_id', sqlmodel.sql.sqltypes.AutoString(length=13), nullable=False),
    sa.Column('agenda_id', sa.Uuid(), nullable=False),
    sa.Column('anggota_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_id'], ['agenda.id'], name=op.f('fk_agenda_anggota_agenda_id_agenda')),
    sa.ForeignKeyConstraint(['anggota_id'], ['anggota.id'], name=op.f('fk_agenda_anggota_anggota_id_anggota')),
    sa.PrimaryKeyConstraint('agenda_id', 'anggota_id', name=op.f('pk_agenda_anggota'))
    )
    op.create_index(op.f('ix_agenda_anggota_anggota_id'), 'agenda_anggota', ['anggota_id'], unique=False)
    op.create_index(op.f('ix_agenda_anggota_tenant_id'), 'agenda_anggota', ['tenant_id'], unique=False)
    op.create_table('pokir',
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('tenant_id', sqlmodel.sql.sqltypes.AutoString(length=13), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('aspirasi_id', sa.Uuid(), nullable=False),
    sa.Column('komisi_id', sa.Uuid(), nullable=False),
    sa.Column('anggota_id', sa.Uuid(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('alasan', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.CheckConstraint("status IN ('DIUSULKAN', 'DIVERIFIKASI_SETWAN', 'DIVALIDASI_OPD', 'DIBAHAS_TAPD', 'MASUK_RENJA', 'TIDAK_DITERIMA')", name=op.f('ck_pokir_status')),
    sa.ForeignKeyConstraint(['anggota_id'], ['anggota.id'], name=op.f('fk_pokir_anggota_id_anggota')),
    sa.ForeignKeyConstraint(['aspirasi_id'], ['aspirasi.id'], name=op.f('fk_pokir_aspirasi_id_aspirasi')),
    sa.ForeignKeyConstraint(['komisi_id'], ['komisi.id'], name=op.f('fk_pokir_komisi_id_komisi')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pokir')),
    sa.UniqueConstraint('aspirasi_id', name=op.f('uq_pokir_aspirasi_id'))
    )
    op.create_index(op.f('ix_pokir_anggota_id'), 'pokir', ['anggota_id'], unique=False)
    op.create_index(op.f('ix_pokir_komisi_id'), 'pokir', ['komisi_id'], unique=False)
    op.create_index(op.f('ix_pokir_tenant_id'), 'pokir', ['tenant_id'], unique=False)
    op.create_table('pokir_riwayat',
    sa.Column('tenant_id', sqlmodel.sql.sqltypes.AutoString(length=13), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('pokir_id', sa.Uuid(), nullable=False),
    sa.Column('dari', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    sa.Column('ke', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('catatan', sa.Text(), nullable=True),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('actor_nama', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('waktu', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['pokir_id'], ['pokir.id'], name=op.f('fk_pokir_riwayat_pokir_id_pokir')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pokir_riwayat'))
    )
    op.create_index(op.f('ix_pokir_riwayat_pokir_id'), 'pokir_riwayat', ['pokir_id'], unique=False)
    op.create_index(op.f('ix_pokir_riwayat_tenant_id'), 'pokir_riwayat', ['tenant_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_pokir_riwayat_tenant_id'), table_name='pokir_riwayat')
    op.drop_index(op.f('ix_pokir_riwayat_pokir_id'), table_name='pokir_riwayat')
    op.drop_table('pokir_riwayat')
    op.drop_index(op.f('ix_pokir_tenant_id'), table_name='pokir')
    op.drop_index(op.f('ix_pokir_komisi_id'), table_name='pokir')
    op.drop_index(op.f('ix_pokir_anggota_id'), table_name='pokir')
    op.drop_table('pokir')
    op.drop_index(op.f('ix_agenda_anggota_tenant_id'), table_name='agenda_anggota')
    op.drop_index(op.f('ix_agenda_anggota_anggota_id'), table_name='agenda_anggota')
    op.drop_table('agenda_anggota')
    op.drop_index(op.f('ix_aspirasi_riwayat_tenant_id'), table_name='aspirasi_riwayat')
    op.drop_index(op.f('ix_aspirasi_riwayat_aduan_id'), table_name='aspirasi_riwayat')
    op.drop_table('aspirasi_riwayat')
    op.drop_index(op.f('ix_aspirasi_foto_tenant_id'), table_name='aspirasi_foto')
    op.drop_index(op.f('ix_aspirasi_foto_laporan_id'), table_name='aspirasi_foto')
    op.drop_table('aspirasi_foto')
    op.drop_index(op.f('ix_anggota_tenant_id'), table_name='anggota')
    op.drop_index(op.f('ix_anggota_komisi_id'), table_name='anggota')
    op.drop_index(op.f('ix_anggota_fraksi_id'), table_name='anggota')
    op.drop_table('anggota')
    op.drop_index(op.f('ix_agenda_tenant_id'), table_name='agenda')
    op.drop_index(op.f('ix_agenda_komisi_id'), table_name='agenda')
    op.drop_index('ix_agenda_daerah_mulai', table_name='agenda')
    op.drop_table('agenda')
    op.drop_index(op.f('ix_komisi_tenant_id'), table_name='komisi')
    op.drop_table('komisi')
    op.drop_index(op.f('ix_fraksi_tenant_id'), table_name='fraksi')
    op.drop_table('fraksi')
    op.drop_index(op.f('ix_aspirasi_aturan_tenant_id'), table_name='aspirasi_aturan')
    op.drop_table('aspirasi_aturan')
    op.drop_index('ix_aspirasi_tutup_otomatis', table_name='aspirasi', postgresql_where=sa.text("status = 'SELESAI'"))
    op.drop_index(op.f('ix_aspirasi_tenant_id'), table_name='aspirasi')
    op.drop_index(op.f('ix_aspirasi_status'), table_name='aspirasi')
    op.drop_index(op.f('ix_aspirasi_pelapor_id'), table_name='aspirasi')
    op.drop_index(op.f('ix_aspirasi_opd_id'), table_name='aspirasi')
    op.drop_index(op.f('ix_aspirasi_nomor'), table_name='aspirasi')
    op.drop_index(op.f('ix_aspirasi_mengikuti_id'), table_name='aspirasi')
    op.drop_index('ix_aspirasi_daerah_terbit', table_name='aspirasi', postgresql_where=sa.text('diterbitkan'))
    op.drop_index('ix_aspirasi_daerah_status_sla', table_name='aspirasi')
    op.drop_index('ix_aspirasi_daerah_sla_berjalan', table_name='aspirasi', postgresql_where=sa.text('sla_jatuh_tempo IS NOT NULL'))
    op.drop_index('ix_aspirasi_daerah_opd_sla', table_name='aspirasi', postgresql_where=sa.text('sla_jatuh_tempo IS NOT NULL'))
    op.drop_index('ix_aspirasi_daerah_lokasi', table_name='aspirasi')
    op.drop_index('ix_aspirasi_daerah_komisi_dijawab', table_name='aspirasi', postgresql_where=sa.text("status IN ('SELESAI', 'DITUTUP') AND dijawab_at IS NOT NULL AND diterbitkan"))
    op.drop_index('ix_aspirasi_daerah_id', table_name='aspirasi')
    op.drop_table('aspirasi')
    drop_kit_tables()
