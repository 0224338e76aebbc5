"""A participant uploading 10 MB files while others open their pages.

Beside the page load, one participant adds a 10 MB PDF to a reflection through the real upload
page, one upload after another, as a browser would: it opens the form for its token, then
posts the file. The file is sent at a stated link speed (LINK_BITS_PER_SECOND, 100 Mbit/s; the
bench's --link-mbits), as a person's upload arrives over a network, not as fast as the loopback
carries it. Two questions, each with its target from issue 21:

- do other pages keep their throughput while uploads run (each page loaded with wrk in short
  stretches, without and with uploads in turn, A B A B ... A; the ratio of the mean rates, with
  each round's ratio and the stretches without uploads against each other to show the noise;
  the target is a drop of no more than a fifth), and
- does a gunicorn worker's memory grow by less than the file's size per upload (the resident
  memory, VmRSS, of all the workers, children of the gunicorn master, read from /proc before
  and after each stretch of uploads, so that a page's own first-load growth is not counted;
  VmHWM, each worker's peak, is reported beside it).

The PDF is made here, a real one with a page of text and a stream of incompressible bytes, so
that the server's own judge accepts it.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
FILE_BYTES = 10 * 1024 * 1024
# The pages loaded without and with uploads: the floor and what a participant opens most.
PAGES = (
    "floor: sign-in page",
    "home, participant",
    "reflections, participant",
    "a reflection, its author",
)
# A participant's upload arrives over a network link, not the loopback: the uploading client
# sends at this speed, one upload after another. 100 Mbit/s is a fast office or home fibre
# line; the loopback alone would carry about four 10 MB uploads a second, which no person sends.
LINK_BITS_PER_SECOND = 100_000_000
SEND_BLOCK = 64 * 1024
# The uploads go to each of the participant's reflections in turn (40 in the national data), so
# each upload page lists a few files, as a person's does; before, one reflection took every
# upload and its page grew with the run. The limits are lifted so that no upload is refused
# in a long run: it sends more than a person's 250 MB.
SERVER_SETTINGS = {"FILES_PER_REFLECTION": "100000", "FILES_QUOTA_BYTES": str(1 << 40)}


def make_pdf(size: int = FILE_BYTES, seed: int = 21) -> bytes:
    """A valid PDF of exactly `size` bytes: one page of text, and an unused stream object of
    random bytes (deterministic, and incompressible) making up the size."""
    text = b"BT /F1 18 Tf 72 720 Td (Learnset benchmark: a 10 MB upload) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]

    def assemble(padding: int) -> bytes:
        filler = random.Random(seed).randbytes(padding)
        body = [*objects, b"<< /Length %d >>\nstream\n%s\nendstream" % (padding, filler)]
        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, content in enumerate(body, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n%s\nendobj\n" % (number, content)
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(body) + 1,
            xref,
        )
        return bytes(out)

    # The padding's own length is written in the file: two passes settle the size.
    padding = size - len(assemble(0))
    padding -= len(assemble(padding)) - size
    pdf = assemble(padding)
    assert len(pdf) == size, (len(pdf), size)
    return pdf


def worker_pids(master: int) -> list[int]:
    """The gunicorn workers: the master's children, as /proc lists them."""
    children: list[int] = []
    for task in Path(f"/proc/{master}/task").iterdir():
        children += [int(pid) for pid in (task / "children").read_text().split()]
    return sorted(children)


def memory_kb(pid: int) -> dict[str, int]:
    """A process's resident memory now (VmRSS) and at its peak (VmHWM), in kB."""
    found: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0])
    return found


def memory(master: int) -> dict[int, dict[str, int]]:
    return {pid: memory_kb(pid) for pid in worker_pids(master)}


def total_rss_kb(master: int) -> int:
    return sum(found["VmRSS"] for found in memory(master).values())


@dataclass
class Uploader:
    """Uploads the same file to the participant's reflections, one after another and each in
    turn, back to back, until stopped."""

    base: str
    cookie: str
    reflection_ids: list[int]
    pdf: bytes
    # The uploading participant's link to the server, in bits a second (0: unpaced).
    link_bits_per_second: float = LINK_BITS_PER_SECOND
    done: int = 0
    refused: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    # How long the uploads ran, from each start to its stop (when the last one had finished).
    running_seconds: float = 0.0
    _started: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    @property
    def path(self) -> str:
        attempts = self.done + len(self.refused)
        return f"/reflections/{self.reflection_ids[attempts % len(self.reflection_ids)]}/files"

    def upload(self) -> None:
        started = time.perf_counter()
        host = self.base.removeprefix("http://")
        connection = http.client.HTTPConnection(host, timeout=120)
        try:
            connection.request("GET", self.path, headers={"Cookie": self.cookie})
            form = connection.getresponse().read().decode()
        finally:
            connection.close()
        token = TOKEN.search(form)
        assert token, "no form on the upload page"
        boundary = f"learnset-bench-{random.getrandbits(64):x}"
        head = (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{token.group(1)}\r\n"
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="Provider feedback.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        body = head + self.pdf + f"\r\n--{boundary}--\r\n".encode()
        connection = http.client.HTTPConnection(host, timeout=120)
        try:
            connection.putrequest("POST", self.path)
            for name, value in (
                ("Cookie", self.cookie),
                ("Content-Type", f"multipart/form-data; boundary={boundary}"),
                ("Content-Length", str(len(body))),
                ("Referer", self.base + self.path),
            ):
                connection.putheader(name, value)
            connection.endheaders()
            self.send(connection, body)
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        # A file that was kept is answered with a redirect back to the page.
        if response.status != 302:
            self.refused.append(response.status)
        else:
            self.done += 1
        self.seconds.append(time.perf_counter() - started)

    def send(self, connection: http.client.HTTPConnection, body: bytes) -> None:
        """The body at the link's speed: each block waits until the link would have carried
        the bytes before it (none waits when `link_bits_per_second` is 0, the loopback's own)."""
        started = time.perf_counter()
        view = memoryview(body)
        for offset in range(0, len(body), SEND_BLOCK):
            if self.link_bits_per_second:
                due = started + offset * 8 / self.link_bits_per_second
                time.sleep(max(0.0, due - time.perf_counter()))
            connection.send(view[offset : offset + SEND_BLOCK])

    def _run(self) -> None:
        while not self._stop.is_set():
            self.upload()

    def start(self) -> None:
        self._stop.clear()
        self._started = time.perf_counter()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            self.running_seconds += time.perf_counter() - self._started


# Loads the named page with wrk for the given seconds: requests a second, p50 and p99 in ms,
# and errors.
Measure = Callable[[str, int], tuple[float, float, float, int]]
# How each page is loaded: ROUNDS stretches with uploads, each between two without, of
# STRETCH_SECONDS each (the bench's --upload-rounds and --upload-seconds). Short stretches
# taken in turn put both sides through the same moments of a shared machine; the sum is as long
# as the single 5 s stretches before (10 s with uploads, 12 s without, a page).
ROUNDS = 5
STRETCH_SECONDS = 2


def stretches(rounds: int) -> list[bool]:
    """Whether uploads run in each of a page's stretches: without and with in turn, beginning
    and ending without (A B A B ... A). The stretches with uploads then sit, on average, at the
    same moment as those without, so a machine that grows busier or quieter at a steady pace
    (it is shared) weighs on both sides alike, and each stretch with uploads has one without on
    either side to be compared with."""
    return [bool(step % 2) for step in range(2 * rounds + 1)]


def compare(alone: list[float], loaded: list[float]) -> dict[str, Any]:
    """A page's throughput with uploads against without, from its stretches in order (one more
    without than with, as `stretches` gives them). The ratio is that of the mean rates (the
    sums: every stretch is as long); each round's ratio sets one stretch with uploads against
    the mean of the two without on either side, and their median and range show how far the
    rounds agree. The stretches without uploads set against each other (each against the one
    before) show the machine's own noise, with no upload at all."""
    if len(alone) != len(loaded) + 1 or not loaded:
        raise ValueError(f"{len(alone)} stretches alone and {len(loaded)} with uploads")
    mean_alone = sum(alone) / len(alone)
    mean_loaded = sum(loaded) / len(loaded)
    rounds = [
        with_uploads / ((before + after) / 2) if before + after else 0.0
        for (before, after), with_uploads in zip(pairwise(alone), loaded, strict=True)
    ]
    noise = [after / before if before else 0.0 for before, after in pairwise(alone)]
    return {
        "requests_per_second_alone": round(mean_alone, 1),
        "requests_per_second_with_uploads": round(mean_loaded, 1),
        "ratio": round(mean_loaded / mean_alone, 3) if mean_alone else 0.0,
        "round_ratios": [round(ratio, 3) for ratio in rounds],
        "round_ratio_median": round(statistics.median(rounds), 3),
        "round_ratio_range": [round(min(rounds), 3), round(max(rounds), 3)],
        "alone_against_alone_range": [round(min(noise), 3), round(max(noise), 3)],
        "rates_alone": [round(rate, 1) for rate in alone],
        "rates_with_uploads": [round(rate, 1) for rate in loaded],
    }


def spread(pages: list[dict[str, Any]], key: str) -> list[float]:
    """The widest of the pages' ranges under `key`."""
    return [min(page[key][0] for page in pages), max(page[key][1] for page in pages)]


def _range(pair: list[float]) -> str:
    return f"{pair[0]:.2f}-{pair[1]:.2f}"


def scenario(
    master: int,
    uploader: Uploader,
    measure: Measure,
    rounds: int = ROUNDS,
    seconds: int = STRETCH_SECONDS,
) -> dict[str, Any]:
    """Each page in stretches without and with uploads, in turn; the workers' memory around
    each stretch of uploads."""
    began = time.perf_counter()
    uploader.upload()  # the first upload loads what uploads need; it is not counted
    if uploader.refused:
        raise RuntimeError(f"the upload was refused: {uploader.refused}")
    uploader.done, uploader.seconds, uploader.running_seconds = 0, [], 0.0
    # The machine is shared: how busy it was says how far to trust the ratios.
    load_before = os.getloadavg()[0]
    before = memory(master)
    growth_kb = 0
    pages: list[dict[str, Any]] = []
    print(
        "\n| page | requests/s alone | with uploads | ratio | rounds' ratios: median (range) "
        "| alone against alone (range) | uploads |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in PAGES:
        runs: dict[bool, list[tuple[float, float, float, int]]] = {False: [], True: []}
        uploads = 0
        for uploading in stretches(rounds):
            if uploading:
                started, done = total_rss_kb(master), uploader.done
                uploader.start()
            try:
                runs[uploading].append(measure(name, seconds))
            finally:
                uploader.stop()
            if uploading:
                # Only while uploads ran, after the page was loaded alone (and warm); an upload
                # still under way when wrk stopped is waited for and counted here.
                growth_kb += total_rss_kb(master) - started
                uploads += uploader.done - done
        found = compare([run[0] for run in runs[False]], [run[0] for run in runs[True]])
        errors = sum(run[3] for run in runs[False] + runs[True])
        pages.append(
            {
                "page": name,
                **found,
                "p99_ms_with_uploads": max(run[2] for run in runs[True]),
                "errors": errors,
                "uploads": uploads,
            }
        )
        print(
            f"| {name} | {found['requests_per_second_alone']:,.0f} "
            f"| {found['requests_per_second_with_uploads']:,.0f} | {found['ratio']:.2f} "
            f"| {found['round_ratio_median']:.2f} ({_range(found['round_ratio_range'])}) "
            f"| {_range(found['alone_against_alone_range'])} | {uploads} |"
            + (f" **{errors} errors**" if errors else ""),
            flush=True,
        )
    after = memory(master)
    uploads = uploader.done
    workers = []
    for pid in sorted(set(before) | set(after)):
        first, last = before.get(pid, {}), after.get(pid, {})
        workers.append(
            {
                "pid": pid,
                "rss_kb_before": first.get("VmRSS"),
                "rss_kb_after": last.get("VmRSS"),
                "peak_kb_before": first.get("VmHWM"),
                "peak_kb_after": last.get("VmHWM"),
            }
        )
    peak_kb = max(
        ((w["peak_kb_after"] or 0) - (w["rss_kb_before"] or 0) for w in workers), default=0
    )
    per_upload = growth_kb * 1024 / uploads if uploads else 0.0
    worst = min(page["ratio"] for page in pages)
    per_second = uploads / uploader.running_seconds if uploader.running_seconds else 0.0
    link = uploader.link_bits_per_second
    result = {
        "file_bytes": len(uploader.pdf),
        "rounds": rounds,
        "seconds_per_stretch": seconds,
        "link_megabits_per_second": link / 1e6 if link else None,
        "uploads": uploads,
        "uploads_per_second": round(per_second, 2),
        "refused": len(uploader.refused),
        "upload_seconds_mean": round(sum(uploader.seconds) / len(uploader.seconds), 2)
        if uploader.seconds
        else None,
        "pages": pages,
        "worst_ratio": round(worst, 3),
        "mean_ratio": round(sum(page["ratio"] for page in pages) / len(pages), 3),
        "throughput_target_met": worst >= 0.8,
        "workers_rss_growth_kb_while_uploading": growth_kb,
        "rss_growth_bytes_per_upload": round(per_upload),
        "rss_growth_share_of_file_per_upload": round(per_upload / len(uploader.pdf), 3),
        "largest_worker_peak_above_its_start_kb": peak_kb,
        "memory_target_met": per_upload < len(uploader.pdf),
        "machine_load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        # The scenario's own length, all stretches and waits included (make bench's budget).
        "scenario_seconds": round(time.perf_counter() - began, 1),
        "workers": workers,
    }
    print(
        f"\n{uploads} uploads of {len(uploader.pdf) / 1024 / 1024:.0f} MB "
        f"({len(uploader.refused)} refused), one after another over a "
        + (f"{link / 1e6:.0f} Mbit/s link" if link else "loopback unpaced")
        + f": {per_second:.2f} uploads/s, {result['upload_seconds_mean']} s each on average"
        f"\nother pages with uploads: at worst {worst:.2f} of their throughput alone "
        f"(target 0.80 or more: {'met' if result['throughput_target_met'] else 'NOT met'}), "
        f"from {rounds} rounds of {seconds} s with uploads between {rounds + 1} without; "
        f"the rounds' own ratios ran {_range(spread(pages, 'round_ratio_range'))}, and "
        f"stretches without uploads against each other "
        f"{_range(spread(pages, 'alone_against_alone_range'))} (the machine's noise)"
        f"\nworkers' resident memory: {growth_kb / 1024:+.1f} MB in all, "
        f"{per_upload / 1024 / 1024:+.2f} MB an upload "
        f"(target under {len(uploader.pdf) / 1024 / 1024:.0f} MB: "
        f"{'met' if result['memory_target_met'] else 'NOT met'}); the largest worker's "
        f"peak rose {peak_kb / 1024:.1f} MB above its resident memory before the uploads"
        f"\nthe machine's load average (1 minute) was {load_before:.1f} at the start and "
        f"{os.getloadavg()[0]:.1f} at the end, on {os.cpu_count()} cores; the scenario took "
        f"{result['scenario_seconds']:.0f} s",
        flush=True,
    )
    return result
