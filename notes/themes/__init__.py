"""Themes: naming and creating them (``naming``), set-based merges and bulk tagging
(``merging``), figures across readable points (``stats``), suggestions while
writing, the month chart, theme pages, feeds and the theme admin.
"""
