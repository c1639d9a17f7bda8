"""The hub's own tables (journal, inbox, outbox, schedules, users, audit) and sessions."""
