"""IPython magics: ``%%mm_track`` (the tracked cell) and the ``%mm`` verbs, one module per resource."""
