"""Exchange with clinics (МО) and attachment: ATT in, FATM back, notices, detachment at 18
(ERZ-8).
"""
