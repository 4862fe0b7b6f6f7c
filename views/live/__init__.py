"""The commander's live-feed panels: devices, refused reports, tracks and replay, simulation."""
