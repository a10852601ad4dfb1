"""Kependudukan's domain logic, one module per topic; callers import the module they need
(`from kependudukan.service import permohonan`, then `permohonan.create(...)`).

- penduduk: a resident's record, as the citizen, their family and the staff read it, and an approved
  change written to it with its event;
- permohonan: applications on the kit's PERMOHONAN workflow, the operator's approval among them;
- dokumen: the scans attached to an application;
- verifikasi: the proof that a citizen account's NIK is the holder's own.

The bulk import is `kependudukan.impor` (it is also a command).
"""
