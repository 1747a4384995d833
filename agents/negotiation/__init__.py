"""Negotiation agent: reads the debtor, makes offers inside the authority matrix, drafts replies, hands off."""
