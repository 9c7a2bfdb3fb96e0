"""The parent kiosk (R1–R14, K1): one screen a module, its styles beside it."""
