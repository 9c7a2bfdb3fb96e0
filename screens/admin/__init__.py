"""The district administrator's screens: Parent Registration settings (R19), staff (A1)."""
