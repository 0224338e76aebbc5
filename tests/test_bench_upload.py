"""The upload benchmark's own parts: the file it sends is one the server keeps, and it finds
a process's children and their memory where Linux puts them."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pypdf

from bench.upload import FILE_BYTES, make_pdf, memory_kb, worker_pids
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
