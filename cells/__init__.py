"""The organisation: cells, memberships and meetings, and in ``access.py`` the whole
reading and writing policy. Never imports ``notes``.
"""
