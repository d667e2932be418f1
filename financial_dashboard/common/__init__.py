"""Building blocks shared by every feature: JSON encoding, request parsing, pagination, API auth."""
