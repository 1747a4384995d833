"""Vector stores behind one interface: Qdrant Edge in-process, or qdrant-client against a server or cluster."""
