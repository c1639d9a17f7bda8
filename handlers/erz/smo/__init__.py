"""Exchange with insurers (СМО): OPLIST in, FLK_P, REPLIST, RECLIST, STOPLIST, CONFLICTLIST out
(ERZ-1, ERZ-2, ERZ-6).
"""
