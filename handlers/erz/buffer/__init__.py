"""The buffer: changes that wait for the fund's approval, and the identity check of an approval
(ERZ-5, ERZ-6).
"""
