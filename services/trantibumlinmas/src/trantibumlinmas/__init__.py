"""Ketenteraman, Ketertiban Umum dan Pelindungan Masyarakat: layanan trantibumlinmas of Puja Indah."""
