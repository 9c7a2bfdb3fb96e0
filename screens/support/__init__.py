"""The support desk (P1): find a parent, see the account, unlock it, reset its password."""
