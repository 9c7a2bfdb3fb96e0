"""The staff desk: sign-in, then the work of each role."""
