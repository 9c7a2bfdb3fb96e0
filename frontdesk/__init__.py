"""frontdesk: parent registration and in-person identity verification for a school district.

This package is the domain: rules, storage, mail, translations and the command line.
It never imports Textual; the terminal screens live in the ``screens`` package.
"""

__version__ = "0.1.0"
