"""Recording a meeting: the one write path of a meeting record (``services``), the
editor's views and forms, history and restoring, splitting a pasted note
(``parsing``), reading uploaded files (``files``) and the admin of meetings and points.
"""
