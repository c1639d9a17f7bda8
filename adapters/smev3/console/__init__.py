"""The СМЭВ 3 adapter's screens and API routes in the console (``omshub.console``).
"""
