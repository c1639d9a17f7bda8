"""The admin console (ADM): Starlette pages and a JSON API over the hub's journal.

Start from :func:`admin.app.create_app`.
"""
