"""The escort route planner page (``page.py``) and its parts."""
