"""Negotiation tools: the authority matrix, offers and exact schedules, promises to pay, approvals and hand-offs."""
