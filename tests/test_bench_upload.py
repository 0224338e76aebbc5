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
from typing import Any

import pypdf
import pytest

from bench.upload import (
    FILE_BYTES,
    PAGES,
    Cpu,
    Stretch,
    Uploader,
    account,
    compare,
    cpu_ms,
    cpu_now,
    machine_ms,
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


def test_cpu_times_are_read_from_proc_for_a_process_and_the_machine() -> None:
    own, (busy, total) = cpu_ms(os.getpid()), machine_ms()
    started = time.process_time()
    while time.process_time() - started < 0.05:
        pass
    assert cpu_ms(os.getpid()) > own
    later_busy, later_total = machine_ms()
    assert 0 < busy <= total and later_busy > busy and later_total > total
    # This process's children: none are workers here, so the server's share is nothing.
    assert cpu_now(os.getpid()).server == 0.0
    # A child that ended and was waited for counts with its parent's ended children (as
    # PostgreSQL's ended backends do with the postmaster).
    ended = cpu_ms(os.getpid(), ended_children=True) - cpu_ms(os.getpid())
    subprocess.run([sys.executable, "-c", "sum(range(10**7))"], check=True)
    assert cpu_ms(os.getpid(), ended_children=True) - cpu_ms(os.getpid()) > ended


# Two stretches without uploads, of 2 s on 2 cores (4,000 ms of the machine), each serving 100
# requests at 10 ms of the workers' CPU, beside other work; then one with two uploads of 100 ms.
ALONE = [Stretch(100, 0, Cpu(server=1000, wrk=100, bench=0, busy=2000, total=4000))] * 2


def _with_two_uploads(server_ms: float) -> dict[str, Any]:
    """The figures when a stretch with two uploads of 100 ms served 80 requests in
    `server_ms` of the workers' CPU."""
    loaded = [Stretch(80, 2, Cpu(server=server_ms, wrk=80, bench=40, busy=2000, total=4000))]
    return account(ALONE, loaded, upload_ms=100)


def test_uploads_that_only_take_their_own_cpu_leave_a_request_as_costly() -> None:
    found = _with_two_uploads(1000)
    assert found["server_ms_per_request_alone"] == 10.0
    assert found["server_ms_per_request_with_uploads_gross"] == 12.5
    # 800 ms for the pages once the two uploads' 200 ms are taken out.
    assert found["server_ms_per_request_with_uploads"] == 10.0
    assert found["request_cost_ratio"] == 1.0
    assert found["server_ms_added_per_upload"] == 100.0
    assert (found["wrk_ms_per_request_alone"], found["wrk_ms_per_request_with_uploads"]) == (1, 1)
    assert found["bench_ms_per_upload"] == 20.0
    assert found["machine_busy_share_alone"] == found["machine_busy_share_with_uploads"] == 0.5
    # Other work: the machine's busy time less the bench's processes'.
    assert (found["others_share_alone"], found["others_share_with_uploads"]) == (0.225, 0.22)
    # The bench had 27.5 % of the machine; the uploads took 6 % (2 x 100 ms and the client's 40).
    assert found["bench_share_of_machine_alone"] == 0.275
    assert found["uploads_share_of_machine"] == 0.06
    assert found["ratio_predicted_by_uploads_cpu"] == 0.782


def test_uploads_that_make_requests_costlier_show_in_the_cost_ratio() -> None:
    found = _with_two_uploads(1160)
    assert found["server_ms_per_request_with_uploads"] == 12.0
    assert found["request_cost_ratio"] == 1.2
    # Each upload seems to cost 180 ms if the requests are taken to cost what they did.
    assert found["server_ms_added_per_upload"] == 180.0


def test_a_page_that_served_nothing_has_no_cost_a_request() -> None:
    idle = [Stretch(0, 0, Cpu(total=4000))] * 2
    found = account(idle, [Stretch(0, 1, Cpu(server=100, total=4000))], upload_ms=None)
    assert found["server_ms_per_request_alone"] is None
    assert found["server_ms_per_request_with_uploads"] is None
    assert found["request_cost_ratio"] is None
    assert found["ratio_predicted_by_uploads_cpu"] is None


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
    # The CPU figures are there for each page, and the uploads sent alone were not counted.
    assert set(first["cpu"]) >= {"server_ms_per_request_alone", "request_cost_ratio"}
    assert len(result["server_ms_per_upload_alone"]) == 2
