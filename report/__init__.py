"""The briefing: the operation's schedule, static maps and the printed briefing pack (no Streamlit)."""
