"""The commander's coverage page (``page.py``) and its parts."""
