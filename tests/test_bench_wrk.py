"""The benchmark reads wrk's output: a page whose requests time out, fail to connect or are
answered with an error cannot look clean. The samples in wrk_output/ are wrk 4's own output,
captured from runs against a local server that answered slowly, answered 500, or answered some
requests late."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.pages import Page
from bench.run import Visitor, parse_wrk, wrk_command
from bench.upload import compare

SAMPLES = Path(__file__).parent / "wrk_output"


def sample(name: str) -> str:
    return (SAMPLES / f"{name}.txt").read_text()


# Every request took longer than --timeout 1s: wrk records no latency for them.
ALL_TIMED_OUT = sample("all_timed_out")

# One request in three took 3 s against a 1 s timeout.
SOME_TIMED_OUT = sample("some_timed_out")

# The run ended before wrk's timeout check: nothing answered and no socket error counted.
NOTHING_ANSWERED = sample("nothing_answered")

SERVER_ERRORS = sample("server_errors")

# Both kinds at once, as a page under load can give (wrk prints socket errors first).
BOTH = SERVER_ERRORS.replace(
    "  Non-2xx or 3xx responses: 1135\n",
    "  Socket errors: connect 4, read 2, write 1, timeout 7\n  Non-2xx or 3xx responses: 10\n",
)

CLEAN = SERVER_ERRORS.replace("  Non-2xx or 3xx responses: 1135\n", "")


def test_a_page_whose_every_request_timed_out_shows_its_timeouts() -> None:
    load = parse_wrk(ALL_TIMED_OUT)
    assert (load.requests_per_second, load.p50_ms, load.p99_ms) == (0.39, 0.0, 0.0)
    assert (load.requests, load.errors, load.timeouts) == (2, 2, 2)
    assert load.trouble == " **2 errors (2 timeouts)**"


def test_timeouts_among_answered_requests_are_errors() -> None:
    load = parse_wrk(SOME_TIMED_OUT)
    assert (load.p50_ms, load.p99_ms) == (pytest.approx(0.788), 27.79)
    assert (load.requests, load.errors, load.timeouts) == (11, 3, 3)


def test_a_run_with_no_answer_at_all_is_flagged() -> None:
    load = parse_wrk(NOTHING_ANSWERED)
    assert (load.requests, load.errors, load.timeouts) == (0, 0, 0)
    assert load.trouble == " **no request answered**"


def test_error_answers_and_every_socket_error_are_counted() -> None:
    assert parse_wrk(SERVER_ERRORS).errors == 1135
    load = parse_wrk(BOTH)
    assert (load.errors, load.timeouts) == (10 + 4 + 2 + 1 + 7, 7)


def test_a_clean_run_has_no_errors_and_no_warning() -> None:
    load = parse_wrk(CLEAN)
    assert (load.requests_per_second, load.p50_ms, load.p99_ms) == (1128.54, 0.85, 8.62)
    assert (load.requests, load.errors, load.timeouts, load.trouble) == (1135, 0, 0, "")


def test_output_that_is_not_wrks_is_refused() -> None:
    with pytest.raises(ValueError, match="Requests/sec"):
        parse_wrk("unable to connect to 127.0.0.1:18978 Connection refused\n")


def test_a_stretch_of_the_upload_scenario_runs_wrk_for_its_own_seconds(tmp_path: Path) -> None:
    page = Page("home, participant", "participant", "/")
    visitor = Visitor("session=abc", "t")
    command = wrk_command("http://127.0.0.1:1/", visitor, page, 2, 16, tmp_path / "post.lua")
    assert command[:5] == ["wrk", "-t2", "-c16", "-d2s", "--latency"]
    assert command[-3:] == ["-H", "Cookie: session=abc", "http://127.0.0.1:1/"]


def test_a_post_page_sends_its_form_and_token_from_a_script(tmp_path: Path) -> None:
    page = Page("autosave", "participant", "/save", method="POST", form={"text": "a b"})
    script = tmp_path / "post.lua"
    command = wrk_command("http://127.0.0.1:1/save", Visitor("s=1", "tok"), page, 5, 1, script)
    assert command[:5] == ["wrk", "-t1", "-c1", "-d5s", "--latency"]
    assert command[-3:] == ["-s", str(tmp_path / "post.lua"), "http://127.0.0.1:1/save"]
    script = (tmp_path / "post.lua").read_text()
    assert 'wrk.body = "text=a+b"' in script
    assert 'wrk.headers["X-CSRFToken"] = "tok"' in script


def test_the_rates_wrk_gives_each_stretch_are_compared_as_the_scenario_does() -> None:
    # Three runs without uploads around two with, read from wrk's own output.
    clean = parse_wrk(CLEAN).requests_per_second
    slower = parse_wrk(SERVER_ERRORS.replace("1128.54", "1015.69")).requests_per_second
    found = compare([clean, clean, clean], [slower, clean])
    assert found["round_ratios"] == [0.9, 1.0]
    assert found["ratio"] == 0.95
