"""What a person sees: the Textual app and its screens. Uses ``frontdesk``, never the reverse."""
