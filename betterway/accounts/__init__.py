"""Accounts people look after themselves: log in by e-mail or username in any case,
lock-outs after repeated failures (django-axes), password reset and change, and a
profile page where a new e-mail address is confirmed by mail.
"""
