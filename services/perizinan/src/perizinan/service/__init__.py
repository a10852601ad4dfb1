"""Perizinan's service layer, one module per topic; callers import the module they need:
`from perizinan.service import permohonan` then `permohonan.create_permohonan(...)`.

- `jenis_izin`: the permit types a region opens.
- `permohonan`: the applicant's application on the PERMOHONAN workflow, its documents, the staff list.
- `izin`: issuing and revoking a permit, and what its holder and the public see of it.
- `data_pemohon`: what staff may look up about an applicant by NIK.
- `access`: loading an application for a caller, the one place that decides who sees it: the applicant,
  and the region's staff once it is submitted; anyone else gets a 404, so its existence is not revealed.
- `reading`: the views of an application and a permit that the routes return.

Who may call each route is declared on the route (`puja_kit.access`); what is left here is what a
caller sees and owns.
"""
