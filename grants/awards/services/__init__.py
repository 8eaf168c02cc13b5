"""The use cases of the ranking and award decisions: they write (the request commits)."""
