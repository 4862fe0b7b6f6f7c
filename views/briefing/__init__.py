"""Mode Briefing (``page.py``) and its parts."""
