"""Two uploads at once against the last room in a quota: one is kept, the other is refused,
and no row or chunk of the refused one is left. On a database file of its own, outside the
test's transaction, with two real threads (SQLite makes the second writer wait its turn)."""

import io
import threading

from sqlalchemy import func, select

from learnset.db import database
from learnset.files.models import FileBlob, FileChunk
from learnset.reflections.models import ReflectionAttachment
from tests import factories
from tests.apps import SignedInClient, fresh_app
from tests.files import samples
from tests.helpers import csrf_from


def test_two_uploads_at_once_into_the_last_room_keep_one_and_leave_nothing_of_the_other(
    tmp_path,
):
    app = fresh_app(tmp_path, migrated=True, FILES_QUOTA_BYTES=len(samples.PDF) * 3 // 2)
    app.test_client_class = SignedInClient
    with database(app).sessions() as session:
        cohort = factories.make_cohort(session)
        author = factories.make_member(session, cohort, "participant")
        reflections = [factories.make_reflection(session, author) for _ in range(2)]
        session.commit()
        paths = [f"/reflections/{reflection.id}/files" for reflection in reflections]
        browsers = [app.test_client(user=author) for _ in paths]
    tokens = [csrf_from(browser, path) for browser, path in zip(browsers, paths, strict=True)]
    start = threading.Barrier(2)
    statuses: list[int] = []

    def upload(index: int) -> None:
        start.wait()
        response = browsers[index].post(
            paths[index],
            data={"csrf_token": tokens[index], "file": (io.BytesIO(samples.PDF), "a.pdf")},
            content_type="multipart/form-data",
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=upload, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [302, 422]
    with database(app).sessions() as session:
        counts = [
            session.scalar(select(func.count()).select_from(model))
            for model in (FileBlob, FileChunk, ReflectionAttachment)
        ]
    assert counts == [1, 1, 1]
    database(app).engine.dispose()
