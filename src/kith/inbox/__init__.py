"""The inbox: one per department and per agent; answering, notes, tags, status, snooze and merge.

Everything an agent does to a conversation is a ``ConversationEvent`` — the record of who answered, how
fast and with what outcome, which the learning loop and the ROI figures read. Replies are not sent in
the request: they go to the ``outbox_message`` table and a transport delivers them (a local mock in
tests and demos; Mastodon, Bluesky, X, Reddit and SMTP for real), so a network failure never loses an
answer and a retry never sends it twice.
"""
