"""Twenty commanders at once: what the server does for each, without twenty browsers beside it.

``bench_browser``'s crowd step runs twenty headless Chromium tabs on the same 2-core machine as
the server. They measure the browsers: Chromium takes about 180 % of the 200 % CPU, and twenty
tabs of a Streamlit app holding one text input take about 36 s to show it (``bench_browser``'s
``crowd_baseline``).
Twenty commanders have twenty machines. This benchmark is each of those machines' share of the
server, as Streamlit's own frontend asks for it:

- a websocket session on ``/_stcore/stream`` per commander, speaking Streamlit's protocol with
  its protobuf classes (``BackMsg``/``ForwardMsg``) exactly as the browser does (the messages
  were recorded from Chromium): open ``/cakupan``, receive the sign-in form, send the name,
  password and the form's submit trigger in one ``rerun_script``;
- each first fetches what a new browser fetches: Streamlit's page, its scripts and styles;
- the clock starts when all twenty have pressed *Masuk* together and stops, for each, when the
  coverage page's map has arrived (the ``st_folium`` component message and the end of the run),
  and the map's own requests are answered: the component's page, its scripts and styles, and
  the layer bundle (``/api/layers/…``), fetched over HTTP with gzip as a browser fetches them.

What it leaves out is the browser's own work: parsing and drawing (1–2 s on a desktop, see
``bench_browser``'s single-page figures).

Run: ``python -m bench.bench_crowd`` (starts ``streamlit run server.py`` on a free port with a
temporary store, as ``bench_browser`` does; ``--url`` for a running app, with ``$BENCH_USER`` and
``$BENCH_PASSWORD``). Writes ``bench/results/crowd.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import platform
import re
import statistics
import sys
import time
import urllib.request
from datetime import UTC, datetime

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.bench_browser import CREDENTIALS, RESULTS, running_app

CONTEXT = {"timezone": "Asia/Jakarta", "timezone_offset": -420, "locale": "id-ID",
           "is_embedded": False, "color_scheme": "light"}  # fmt: skip


class Session:
    """One commander's websocket session with the app."""

    def __init__(self, url: str, page: str) -> None:
        self.http = url
        self.page = page
        self.ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
        self.widgets: dict[str, str] = {}  # label or form key -> widget id
        self.page_hash = ""
        self.component: dict | None = None
        self.errors: list[str] = []

    async def connect(self) -> None:
        self.ws = await websockets.connect(
            self.ws_url, subprotocols=["streamlit"], origin=self.http, max_size=None,
            compression=None,
        )  # fmt: skip

    async def rerun(self, widget_states: list[dict] | None = None) -> None:
        msg = BackMsg()
        state = msg.rerun_script
        state.page_name = self.page if not self.page_hash else ""
        state.page_script_hash = self.page_hash
        for key, value in CONTEXT.items():
            setattr(state.context_info, key, value)
        state.context_info.url = f"{self.http}/{self.page}"
        state.widget_states.SetInParent()
        for w in widget_states or []:
            item = state.widget_states.widgets.add()
            item.id = w["id"]
            if "trigger" in w:
                item.trigger_value = True
            else:
                item.string_value = w["value"]
        await self.ws.send(msg.SerializeToString())

    async def until_finished(self) -> None:
        """Read messages until the script run ends; note widget ids, errors and the map."""
        while True:
            raw = await self.ws.recv()
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = msg.new_session.page_script_hash or self.page_hash
            elif kind == "page_info_changed" or kind == "navigation":
                self.page_hash = getattr(msg, kind).page_script_hash or self.page_hash
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self._element(msg.delta.new_element)
            elif (kind == "script_finished"
                  and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN):  # fmt: skip
                return

    def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        if kind == "text_input":
            self.widgets[element.text_input.label] = element.text_input.id
        elif kind == "button" and element.button.is_form_submitter:
            self.widgets["submit"] = element.button.id
        elif kind == "exception":
            self.errors.append(element.exception.message)
        elif kind == "component_instance" and "st_folium" in element.component_instance.component_name:
            self.component = json.loads(element.component_instance.json_args)

    def sign_in_states(self) -> list[dict]:
        return [
            {"id": self.widgets["Nama pengguna"], "value": CREDENTIALS["name"]},
            {"id": self.widgets["Kata sandi"], "value": CREDENTIALS["password"]},
            {"id": self.widgets["submit"], "trigger": True},
        ]

    def map_requests(self) -> list[str]:
        """What the map asks of the server once it mounts: component page, assets, layers."""
        args = self.component or {}
        urls = [f"{self.http}/component/streamlit_folium.st_folium/index.html"]
        urls += [u if u.startswith("http") else self.http + u
                 for u in [*args.get("js_links", []), *args.get("css_links", [])]]  # fmt: skip
        urls += [self.http + u for u in re.findall(r"/api/layers/[\w-]+\.geojson", args.get("script", ""))]
        return list(dict.fromkeys(urls))


def _fetch(url: str) -> int:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=120) as r:
        body = r.read()
    if r.headers.get("Content-Encoding") == "gzip":
        gzip.decompress(body)  # the browser's work, done to be sure the body is whole
    return len(body)


def _app_shell(url: str) -> list[str]:
    """Streamlit's page and the scripts and styles it names (what a new browser fetches)."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    with urllib.request.urlopen(request, timeout=120) as r:
        page = r.read().decode("utf-8", "replace")
    assets = re.findall(r'(?:src|href)="(\.?/?static/[^"]+)"', page)
    return [url + "/"] + [f"{url}/{a.lstrip('./')}" for a in assets]


async def commander(url: str, page: str, go: asyncio.Event, ready: asyncio.Queue) -> dict:
    s = Session(url, page)
    opened = time.perf_counter()
    shell = await asyncio.to_thread(_app_shell, url)
    shell_bytes = sum(await asyncio.gather(*(asyncio.to_thread(_fetch, u) for u in shell)))
    await s.connect()
    await s.rerun()
    await s.until_finished()  # the sign-in form
    form_s = time.perf_counter() - opened
    await ready.put(1)
    await go.wait()
    started = time.perf_counter()
    await s.rerun(s.sign_in_states())
    await s.until_finished()
    if s.component is None:  # st.navigation may finish the sign-in run and start the page's
        await s.until_finished()
    delivered = time.perf_counter() - started
    urls = s.map_requests()
    sizes = await asyncio.gather(*(asyncio.to_thread(_fetch, u) for u in urls))
    done = time.perf_counter() - started
    await s.ws.close()
    return {"form_s": form_s, "map_message_s": delivered, "map_ready_s": done,
            "requests": len(shell) + len(urls), "bytes": shell_bytes + sum(sizes),
            "drawn": s.component is not None,
            "errors": s.errors}  # fmt: skip


async def crowd(url: str, n: int, page: str = "cakupan") -> dict:
    go, ready = asyncio.Event(), asyncio.Queue()
    tasks = [asyncio.create_task(commander(url, page, go, ready)) for _ in range(n)]
    for _ in range(n):
        await ready.get()
    go.set()  # all press "Masuk" together
    results = await asyncio.gather(*tasks, return_exceptions=True)
    failed = [repr(r) for r in results if isinstance(r, BaseException)]
    ok = [r for r in results if isinstance(r, dict)]
    ready_s = sorted(r["map_ready_s"] for r in ok)

    def stat(key: str) -> dict:
        values = [r[key] for r in ok]
        return {"median": round(statistics.median(values), 2), "max": round(max(values), 2)} if values else {}

    return {
        "sessions": n,
        "maps": sum(r["drawn"] for r in ok),
        "all_maps_s": round(ready_s[-1], 2) if len(ready_s) == n else None,
        "map_message_s": stat("map_message_s"),
        "map_ready_s": stat("map_ready_s"),
        "sign_in_form_s": stat("form_s"),
        "requests_per_commander": ok[0]["requests"] if ok else 0,
        "bytes_per_commander": ok[0]["bytes"] if ok else 0,  # as sent (gzip where offered)
        "errors": sorted({e for r in ok for e in r["errors"]}) + failed,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an app already running (default: start one)")
    parser.add_argument("-n", type=int, default=20, help="commanders at once")
    parser.add_argument("--out", default="crowd", help="results file name (no suffix)")
    args = parser.parse_args(argv)
    if args.url:
        CREDENTIALS.update(name=os.environ["BENCH_USER"], password=os.environ["BENCH_PASSWORD"])
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "command": "python -m bench.bench_crowd " + " ".join(argv if argv is not None else sys.argv[1:]),
        "load_at_start": os.getloadavg()[0],
    }
    with running_app(args.url) as url:
        asyncio.run(crowd(url, 1))  # fill the server's caches once, as bench_browser does
        result["one"] = asyncio.run(crowd(url, 1))
        result["crowd"] = asyncio.run(crowd(url, args.n))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.out}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
