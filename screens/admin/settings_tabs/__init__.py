"""The tabs of the Parent Registration settings screen, one widget a tab."""
