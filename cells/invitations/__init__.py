"""Invitations: facilitators and administrators invite people to a cell by e-mail;
the invitee follows a single-use link, chooses a name and password, and lands in
the cell. Administrators can invite many at once from a CSV file in the admin.
"""
