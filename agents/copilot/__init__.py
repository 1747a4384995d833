"""The staff copilot: a bilingual assistant that answers staff requests with the case, action and knowledge tools."""
