from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """pg_trgm powers "did you mean" for misspelt theme names."""

    dependencies = [("notes", "0001_initial")]

    operations = [TrigramExtension()]
