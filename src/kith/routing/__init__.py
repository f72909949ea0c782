"""Routing: every relevant conversation gets a department, a priority, an SLA due time and maybe an agent.

Rules decide first (ordered, deterministic, explainable); a learned router suggests — or, above the
confidence the admin sets, applies — a department for what no rule covers. Every decision is kept in
``routing_decision`` so the UI can say who or what decided and why, and so the learned router has
history to learn from (every manual re-route, every rule hit an agent confirmed).
"""
