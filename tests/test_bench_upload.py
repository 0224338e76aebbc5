"""The upload benchmark's own parts: the file it sends is one the server keeps, it sends no
faster than the link it states, and it finds a process's children and their memory where Linux
puts them."""

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

from bench.upload import FILE_BYTES, Uploader, make_pdf, memory_kb, worker_pids
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
