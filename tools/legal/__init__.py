"""Legal tools: Chinese capital amounts, the LPR table, interest limits, claims calculation and legal documents."""
