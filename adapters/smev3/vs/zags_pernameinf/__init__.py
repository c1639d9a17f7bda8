"""ЕГР ЗАГС on request: records of a change of name, 112-53 v4.0.0
(сведения о перемене имени по запросу)."""
