"""The top floor: the `xjs` command line (`cli/app.py`). Nothing imports it."""
