"""The compliance agent: reviews conversations (rules, then the model), stores them, reports on them."""
