#!/usr/bin/env bash
# Install the app's dependencies and start it on the embedded Kota Metro data.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -r requirements.txt
exec python -m streamlit run server.py --browser.serverAddress localhost "$@"
