"""The choices of the organisation's models, shared by the models and the access policy."""

from __future__ import annotations

from django.db import models


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public: anyone, even logged out"
    NETWORK = "network", "Network: anyone who is logged in"
    PRIVATE = "private", "Private: members of the cell only"


class Role(models.TextChoices):
    FACILITATOR = "facilitator", "Facilitator"
    MEMBER = "member", "Member"


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
