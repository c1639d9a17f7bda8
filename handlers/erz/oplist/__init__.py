"""The OPLIST path: an insurer's list of operations read, checked, decided and written in bulk
(ERZ-1).
"""
