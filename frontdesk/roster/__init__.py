"""The roster from the SIS (A2): its files, and their import into the district's database."""
