"""EXT-3: ViPNet business mail (Деловая почта) through its autoprocessing folders."""
