"""The upload benchmark's own parts: the file it sends is one the server keeps, it sends no
faster than the link it states, it finds a process's children and their memory where Linux
puts them, and it loads each page in stretches without and with uploads in turn, comparing them
so that a machine's steady drift cancels and its noise shows."""

from __future__ import annotations

import http.client
import io
import os
import socket
import subprocess
import sys
import threading
import time

import pypdf
import pytest

from bench.upload import (
    FILE_BYTES,
    PAGES,
    Uploader,
    compare,
    make_pdf,
    memory_kb,
    scenario,
    stretches,
    worker_pids,
)
from learnset import files


def test_the_benchmark_pdf_is_a_real_pdf_of_exactly_ten_megabytes() -> None:
    pdf = make_pdf()
    assert len(pdf) == FILE_BYTES
    assert files.judge(io.BytesIO(pdf), "Provider feedback.pdf").name == "pdf"
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert "benchmark" in reader.pages[0].extract_text()


def test_a_smaller_pdf_has_the_size_asked_for() -> None:
    assert len(make_pdf(200_000, seed=1)) == 200_000


def test_children_and_their_resident_memory_are_read_from_proc() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in worker_pids(os.getpid())
        found = memory_kb(child.pid)
        assert 0 < found["VmRSS"] <= found["VmHWM"]
    finally:
        child.kill()
        child.wait()
    assert child.pid not in worker_pids(os.getpid())


def test_the_uploading_client_sends_no_faster_than_its_link() -> None:
    received = bytearray()
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]

        def take() -> None:
            connection, _ = server.accept()
            with connection:
                while data := connection.recv(65536):
                    received.extend(data)

        reader = threading.Thread(target=take)
        reader.start()
        # 256 KB over an 8 Mbit/s link: a quarter of a second at the least.
        uploader = Uploader(f"http://127.0.0.1:{port}", "", [1], b"", link_bits_per_second=8e6)
        connection = http.client.HTTPConnection("127.0.0.1", port)
        connection.connect()
        started = time.perf_counter()
        uploader.send(connection, b"x" * 262_144)
        took = time.perf_counter() - started
        connection.close()
        reader.join()
    assert len(received) == 262_144
    # Every block but the last waits for the link: (256 - 64) KB at 1 MB/s.
    assert took >= 0.19


def test_stretches_take_turns_and_begin_and_end_without_uploads() -> None:
    assert stretches(3) == [False, True, False, True, False, True, False]
    # The stretches with uploads sit, on average, at the same moment as those without.
    steps = stretches(5)
    with_uploads = [step for step, uploading in enumerate(steps) if uploading]
    without = [step for step, uploading in enumerate(steps) if not uploading]
    assert sum(with_uploads) / len(with_uploads) == sum(without) / len(without)


def test_a_machine_growing_steadily_busier_does_not_change_the_ratio() -> None:
    # The page slows by 3 % of its rate a stretch whatever happens; uploads take a tenth.
    rate = [1000 * (1 - 0.03 * step) for step in range(11)]
    alone, loaded = rate[0::2], [0.9 * r for r in rate[1::2]]
    found = compare(alone, loaded)
    assert found["ratio"] == 0.9
    assert found["round_ratios"] == [0.9] * 5
    assert found["round_ratio_median"] == 0.9
    assert found["round_ratio_range"] == [0.9, 0.9]
    # The drift shows in the stretches without uploads set against each other.
    assert found["alone_against_alone_range"] == [0.921, 0.94]
    assert found["rates_alone"] == [1000.0, 940.0, 880.0, 820.0, 760.0, 700.0]


def test_one_disturbed_stretch_shows_in_the_range_not_in_the_median() -> None:
    alone = [1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0]
    loaded = [950.0, 950.0, 500.0, 950.0, 950.0]
    found = compare(alone, loaded)
    assert found["ratio"] == 0.86
    assert found["round_ratio_median"] == 0.95
    assert found["round_ratio_range"] == [0.5, 0.95]
    assert found["alone_against_alone_range"] == [1.0, 1.0]


def test_stretches_must_come_one_more_without_than_with() -> None:
    with pytest.raises(ValueError, match="2 stretches alone and 2 with uploads"):
        compare([1.0, 1.0], [1.0, 1.0])
    with pytest.raises(ValueError):
        compare([1.0], [])


class CountingUploader(Uploader):
    """Counts two uploads for each stretch it runs in, with no server."""

    running = False

    def upload(self) -> None:
        self.seconds.append(1.0)
        self.done += 1

    def start(self) -> None:
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.done += 2
            self.running_seconds += 1.0
        self.running = False


def test_the_scenario_loads_each_page_in_turns_and_compares_them() -> None:
    uploader = CountingUploader("http://127.0.0.1:1", "", [1], b"pdf")
    calls: list[tuple[str, int, bool]] = []

    def measure(name: str, seconds: int) -> tuple[float, float, float, int]:
        calls.append((name, seconds, uploader.running))
        # The sign-in page keeps all its throughput; the others lose a fifth.
        if not uploader.running:
            return 100.0, 1.0, 2.0, 0
        return (100.0 if name == PAGES[0] else 80.0), 1.0, 7.0, 1

    result = scenario(os.getpid(), uploader, measure, rounds=2, seconds=3)
    assert calls == [(name, 3, step % 2 == 1) for name in PAGES for step in range(5)]
    assert [page["ratio"] for page in result["pages"]] == [1.0, 0.8, 0.8, 0.8]
    first = result["pages"][1]
    assert first["round_ratios"] == [0.8, 0.8]
    assert (first["p99_ms_with_uploads"], first["errors"], first["uploads"]) == (7.0, 2, 4)
    assert (result["worst_ratio"], result["throughput_target_met"]) == (0.8, True)
    assert (result["rounds"], result["seconds_per_stretch"]) == (2, 3)
    # The first upload, which loads what uploads need, is not counted.
    assert (result["uploads"], result["uploads_per_second"]) == (16, 2.0)
    assert result["scenario_seconds"] >= 0
