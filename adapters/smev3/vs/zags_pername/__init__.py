"""ЕГР ЗАГС records of changes of name, 112-03 v4.0.6 (сведения о перемене имени)."""
