"""The read models of the ranking and award pages, the letters and the reports: no writes."""
