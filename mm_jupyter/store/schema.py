"""The schema version this mm-jupyter writes: the number of migrations.

Kept apart from ``migrations.py`` so that opening an up-to-date registry (one
``PRAGMA user_version`` read) imports no migration code: sqlite-utils imports pandas
when it is installed, about 0.4 s, which the first tracked cell of a kernel would pay.
"""

SCHEMA_VERSION = 16
