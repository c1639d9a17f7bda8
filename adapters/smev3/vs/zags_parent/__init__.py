"""ЕГР ЗАГС records of the establishment of paternity, 112-08 v4.0.6 (установление отцовства)."""
