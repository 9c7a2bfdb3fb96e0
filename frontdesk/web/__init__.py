"""``frontdesk serve``: the parent screens in a browser, and the page behind the reset mail's
link (W1, R16).

The screens run as one app process per browser session, through textual-serve
(:mod:`frontdesk.web.app_process`); this package serves frontdesk's own pages around them:
the page that holds the terminal, the busy page and the reset page.
"""
