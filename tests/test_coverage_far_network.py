"""The commander's page refuses an operation that lies far from the loaded road network."""

from __future__ import annotations

from _osm_sample import write_all
from _signin import app_test


def test_coverage_page_refuses_an_operation_off_the_loaded_network(tmp_path) -> None:
    far = write_all(tmp_path, origin=(10.0, 50.0), stem="jauh")  # a network in Germany
    at = app_test(default_timeout=120)
    at.session_state["network"] = ("file", str(far["osm"]))
    at.run()
    at.switch_page("views/coverage/page.py").run()
    assert not at.exception, at.exception
    errors = " ".join(e.value for e in at.error)
    # the posts of the default operation are named, with the network that was loaded
    assert "pos " in errors and "jauh.osm" in errors, errors
    assert "Polres Metro" in errors or "Resor Metro" in errors, errors
    # and no coverage figures are shown for it
    assert not any("%" in m.value for m in at.metric), [m.value for m in at.metric]
