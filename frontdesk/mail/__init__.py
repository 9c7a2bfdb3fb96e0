"""Mail: the outbox table, the messages, delivery by SMTP or into a Maildir (E1)."""
