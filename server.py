"""ASGI entry: the Streamlit app (``app.py``) plus the HTTP endpoints served beside it.

``streamlit run server.py`` finds ``app`` below and serves the pages and these routes on one
port (Streamlit's ``st.App``, Starlette underneath). Each package that serves HTTP contributes
its own list of routes here.
"""

from __future__ import annotations

import streamlit as st

from feeds import http as feeds_http
from layers import served
from plan.store import Store
from plan.users import bootstrap_admin

routes: list = [*served.routes, *feeds_http.routes]

bootstrap_admin(Store())  # a fresh store: the first admin, its random password printed here once

app = st.App("app.py", routes=routes, lifespan=feeds_http.lifespan)
