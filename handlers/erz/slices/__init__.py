"""Monthly slices and daily deltas for insurers and clinics (ERZ-2).
"""
