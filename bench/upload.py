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
import resource
import statistics
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import astuple, dataclass, field
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
        try:
            listed = (task / "children").read_text()
        except FileNotFoundError:  # the thread ended between listing and reading
            continue
        children += [int(pid) for pid in listed.split()]
    return sorted(children)


def memory_kb(pid: int) -> dict[str, int]:
    """A process's resident memory now (VmRSS) and at its peak (VmHWM), in kB."""
    found: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0])
    return found


# Clock ticks a second, the unit of /proc's CPU times.
TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def cpu_ms(pid: int, ended_children: bool = False) -> float:
    """A process's CPU time so far, user and system, all its threads (fields 14 and 15 of
    /proc/<pid>/stat), with that of its children that ended and were waited for (16 and 17)
    if `ended_children`."""
    # The command's name, in parentheses, may hold spaces: the fields are counted after it.
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    ticks = int(fields[11]) + int(fields[12])
    if ended_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks * TICK_MS


def postmaster_of(cluster: Any) -> int | None:
    """A PostgreSQL cluster's postmaster (tests/postgres.py's Cluster), None without one."""
    if cluster is None:
        return None
    return int((cluster.data_dir / "postmaster.pid").read_text().split()[0])


def database_ms(postmaster: int) -> float:
    """The CPU time of a PostgreSQL server: the postmaster's, its ended children's, and its
    living children's (a child that ends between the two reads is missed, a few ms at most)."""
    spent = cpu_ms(postmaster, ended_children=True)
    for child in worker_pids(postmaster):
        with suppress(FileNotFoundError):
            spent += cpu_ms(child)
    return spent


def machine_ms() -> tuple[float, float]:
    """The whole machine's CPU time so far, all cores: busy, and busy and idle together."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    # user nice system idle iowait irq softirq steal (guest time is counted in user already)
    idle = ticks[3] + ticks[4]
    total = sum(ticks[:8])
    return (total - idle) * TICK_MS, total * TICK_MS


@dataclass(frozen=True)
class Cpu:
    """CPU time, in ms, that each party had spent at one moment (or between two, subtracted):
    the gunicorn workers, PostgreSQL's server (none on SQLite, which runs in the workers), the
    wrk runs that have ended (this process's children, waited for), this process itself (the
    uploading client runs in it), and the machine, busy and in all."""

    server: float = 0.0
    database: float = 0.0
    wrk: float = 0.0
    bench: float = 0.0
    busy: float = 0.0
    total: float = 0.0

    def __sub__(self, other: Cpu) -> Cpu:
        return Cpu(
            *(mine - theirs for mine, theirs in zip(astuple(self), astuple(other), strict=True))
        )

    def __add__(self, other: Cpu) -> Cpu:
        return Cpu(
            *(mine + theirs for mine, theirs in zip(astuple(self), astuple(other), strict=True))
        )

    @property
    def serving(self) -> float:
        """What serving the requests cost: the workers and the database server."""
        return self.server + self.database

    @property
    def others(self) -> float:
        """The machine's busy time that none of the bench's processes spent: other work."""
        return self.busy - self.serving - self.wrk - self.bench


def cpu_now(master: int, postmaster: int | None = None) -> Cpu:
    server = sum(cpu_ms(pid) for pid in worker_pids(master))
    database = database_ms(postmaster) if postmaster else 0.0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    busy, total = machine_ms()
    return Cpu(
        server,
        database,
        (children.ru_utime + children.ru_stime) * 1000,
        (own.ru_utime + own.ru_stime) * 1000,
        busy,
        total,
    )


@dataclass(frozen=True)
class Stretch:
    """One stretch of a page's load: the requests it served, the uploads that finished in it,
    and the CPU spent over it."""

    requests: float
    uploads: int
    cpu: Cpu


def _per(amount: float, count: float) -> float | None:
    return round(amount / count, 3) if count else None


def account(alone: list[Stretch], loaded: list[Stretch], upload_ms: float | None) -> dict[str, Any]:
    """Where a page's CPU went, without and with uploads: the server's ms a page request (the
    workers' and the database server's; with uploads, net of `upload_ms` for each upload, the
    server's CPU for one upload with nothing else running), wrk's ms a request, the bench's
    ms an upload, the share of the machine's cores that was busy and that other work took.
    If a request costs the server as much with uploads as without, the uploads only took
    their own CPU; if more, they made the pages' requests costlier."""
    without, with_uploads = sum((s.cpu for s in alone), Cpu()), sum((s.cpu for s in loaded), Cpu())
    requests_alone = sum(s.requests for s in alone)
    requests_loaded = sum(s.requests for s in loaded)
    uploads = sum(s.uploads for s in loaded)
    per_request_alone = _per(without.serving, requests_alone)
    per_request_gross = _per(with_uploads.serving, requests_loaded)
    net = with_uploads.serving - uploads * upload_ms if upload_ms is not None else None
    per_request_net = _per(net, requests_loaded) if net is not None else None
    # What each upload added to the server's CPU, were a page request as costly as without.
    added = (
        _per(with_uploads.serving - requests_loaded * (without.serving / requests_alone), uploads)
        if requests_alone
        else None
    )
    # The bench's own processes (server, wrk, client) share the machine with other work: what
    # share of its cores they had without uploads, and what share the uploads (server and
    # client) took while they ran. Were the bench to keep its share and a request to cost what
    # it did, the pages would keep the rest: the ratio the uploads' CPU alone predicts.
    session_alone = _per(without.serving + without.wrk + without.bench, without.total)
    uploads_share = (
        _per(uploads * upload_ms + with_uploads.bench, with_uploads.total)
        if upload_ms is not None
        else None
    )
    return {
        "bench_share_of_machine_alone": session_alone,
        "uploads_share_of_machine": uploads_share,
        "ratio_predicted_by_uploads_cpu": round(1 - uploads_share / session_alone, 3)
        if uploads_share is not None and session_alone
        else None,
        "server_ms_per_request_alone": per_request_alone,
        "server_ms_per_request_with_uploads_gross": per_request_gross,
        "server_ms_per_request_with_uploads": per_request_net,
        "request_cost_ratio": _per(per_request_net or 0.0, per_request_alone or 0.0)
        if per_request_net is not None
        else None,
        "server_ms_added_per_upload": added,
        "wrk_ms_per_request_alone": _per(without.wrk, requests_alone),
        "wrk_ms_per_request_with_uploads": _per(with_uploads.wrk, requests_loaded),
        # The uploading client runs in the bench's process, which is all but idle without it.
        "bench_ms_per_upload": _per(with_uploads.bench, uploads),
        "machine_busy_share_alone": _per(without.busy, without.total),
        "machine_busy_share_with_uploads": _per(with_uploads.busy, with_uploads.total),
        "others_share_alone": _per(without.others, without.total),
        "others_share_with_uploads": _per(with_uploads.others, with_uploads.total),
    }


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


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


# Uploads sent with nothing else running, at the scenario's start and at its end, for the
# workers' CPU one upload takes on its own.
UPLOADS_ALONE = 3


def uploads_alone(
    master: int, uploader: Uploader, count: int = UPLOADS_ALONE, postmaster: int | None = None
) -> float:
    """The CPU, in ms, one upload takes the workers (and PostgreSQL's server) with no page
    load beside it (not counted among the scenario's uploads)."""
    done, refused, seconds = uploader.done, list(uploader.refused), list(uploader.seconds)
    before = cpu_now(master, postmaster)
    for _ in range(count):
        uploader.upload()
    spent = cpu_now(master, postmaster) - before
    kept = uploader.done - done
    uploader.done, uploader.refused, uploader.seconds = done, refused, seconds
    return spent.serving / kept if kept else 0.0


def scenario(
    master: int,
    uploader: Uploader,
    measure: Measure,
    rounds: int = ROUNDS,
    seconds: int = STRETCH_SECONDS,
    postmaster: int | None = None,
) -> dict[str, Any]:
    """Each page in stretches without and with uploads, in turn; the workers' memory around
    each stretch of uploads; and the CPU each party spent in each stretch (`postmaster`:
    PostgreSQL's server, whose CPU counts with the workers')."""
    began = time.perf_counter()
    uploader.upload()  # the first upload loads what uploads need; it is not counted
    if uploader.refused:
        raise RuntimeError(f"the upload was refused: {uploader.refused}")
    uploader.done, uploader.seconds, uploader.running_seconds = 0, [], 0.0
    upload_ms = [uploads_alone(master, uploader, postmaster=postmaster)]
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
    spent: dict[str, dict[bool, list[Stretch]]] = {}
    for name in PAGES:
        runs: dict[bool, list[tuple[float, float, float, int]]] = {False: [], True: []}
        spent[name] = {False: [], True: []}
        uploads = 0
        for uploading in stretches(rounds):
            done = uploader.done
            if uploading:
                started = total_rss_kb(master)
            cpu_before = cpu_now(master, postmaster)
            if uploading:
                uploader.start()
            try:
                runs[uploading].append(measure(name, seconds))
            finally:
                uploader.stop()
            # With uploads, up to the end of the last one, so that every upload counted is
            # whole in the stretch's CPU.
            cpu = cpu_now(master, postmaster) - cpu_before
            spent[name][uploading].append(
                Stretch(runs[uploading][-1][0] * seconds, uploader.done - done, cpu)
            )
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
    upload_ms.append(uploads_alone(master, uploader, postmaster=postmaster))
    upload_cost = sum(upload_ms) / len(upload_ms)
    print(
        "\n| page | server's ms a request: alone | with uploads (net, gross) | ratio "
        "| ms each upload added | wrk ms a request (alone, with) | machine busy (alone, with) "
        "| other work (alone, with) | bench's share, uploads' share | ratio the uploads' CPU "
        "predicts |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for page in pages:
        costs = account(spent[page["page"]][False], spent[page["page"]][True], upload_cost)
        page["cpu"] = costs
        print(
            f"| {page['page']} | {_ms(costs['server_ms_per_request_alone'])} "
            f"| {_ms(costs['server_ms_per_request_with_uploads'])}, "
            f"{_ms(costs['server_ms_per_request_with_uploads_gross'])} "
            f"| {_ms(costs['request_cost_ratio'])} | {_ms(costs['server_ms_added_per_upload'])} "
            f"| {_ms(costs['wrk_ms_per_request_alone'])}, "
            f"{_ms(costs['wrk_ms_per_request_with_uploads'])} "
            f"| {_share(costs['machine_busy_share_alone'])}, "
            f"{_share(costs['machine_busy_share_with_uploads'])} "
            f"| {_share(costs['others_share_alone'])}, "
            f"{_share(costs['others_share_with_uploads'])} "
            f"| {_share(costs['bench_share_of_machine_alone'])}, "
            f"{_share(costs['uploads_share_of_machine'])} "
            f"| {_ms(costs['ratio_predicted_by_uploads_cpu'])} |",
            flush=True,
        )
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
        "server_ms_per_upload_alone": [round(ms, 1) for ms in upload_ms],
        "bench_ms_per_upload": _per(
            sum(p["cpu"]["bench_ms_per_upload"] or 0.0 for p in pages), len(pages)
        ),
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
        f"\nthe server's CPU (the workers', and PostgreSQL's) for one upload with nothing "
        f"else running: "
        f"{', '.join(f'{ms:.0f}' for ms in upload_ms)} ms (at the start, at the end); the "
        f"uploading client's: {result['bench_ms_per_upload']} ms an upload"
        f"\nthe machine's load average (1 minute) was {load_before:.1f} at the start and "
        f"{os.getloadavg()[0]:.1f} at the end, on {os.cpu_count()} cores; the scenario took "
        f"{result['scenario_seconds']:.0f} s",
        flush=True,
    )
    return result
