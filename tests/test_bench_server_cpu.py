"""The benchmark's server CPU per request: the gunicorn workers' user and system time between two
readings of /proc, over the requests wrk finished in between."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bench.run import busiest_share, ms_per_request, workers_cpu


def test_the_workers_cpu_between_two_readings_is_shared_by_the_requests() -> None:
    before = {101: 2.0, 102: 3.0}
    after = {101: 2.5, 102: 3.75}
    assert ms_per_request(before, after, 125) == 10.0


def test_a_worker_started_between_the_readings_counts_from_nothing() -> None:
    before = {101: 2.0}
    after = {101: 2.5, 103: 0.5}
    assert ms_per_request(before, after, 100) == 10.0


def test_no_request_served_gives_no_figure() -> None:
    assert ms_per_request({101: 1.0}, {101: 2.0}, 0) == 0.0


def test_the_busiest_workers_share_shows_load_piled_on_one_worker() -> None:
    before = {101: 1.0, 102: 1.0, 103: 1.0, 104: 1.0}
    assert busiest_share(before, {101: 2.0, 102: 2.0, 103: 2.0, 104: 2.0}) == 0.25
    assert busiest_share(before, {101: 4.0, 102: 1.5, 103: 1.25, 104: 1.25}) == 0.75
    assert busiest_share(before, before) == 0.0


def test_the_workers_cpu_is_read_from_proc_for_each_child_of_the_master() -> None:
    """A child that has spent a known CPU time (its own clock says so) shows at least that."""
    burn = (
        "import sys, time\n"
        "while time.process_time() < 0.3:\n"
        "    pass\n"
        "print('spent', flush=True)\n"
        "sys.stdin.read()\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", burn], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "spent\n"
        spent = workers_cpu(os.getpid())
    finally:
        child.communicate("")
    assert spent[child.pid] == pytest.approx(0.3, abs=0.05)
