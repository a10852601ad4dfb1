"""Trantibumlinmas' rules: linmas posts (`pos`), early warnings and their versions (`peringatan`),
and each post's acknowledgement (`penerimaan`). Routes call these; only the request's session
dependency commits."""
