"""Leavers and retention on real databases: erasure keeps the commune's reports; old delivered
messages, update keys, exports and charts go after RETENTION_DAYS; dry runs change nothing."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from core.types import Reply
from core.outbox import enqueue
from store.db import transaction
from store.people.leavers import ERASED_NAME, erase_due, find_officer, missing_from_list, remove_officer
from store.models import DialogState, Officer, OutboxMessage, ProcessedUpdate, Report, User
from store.reporting.reports import start_draft, submit
from store.runtime.retention import prune
from tests.handlers.report_setup import OPEN, build_world
from tests.store.reporting.test_export import ANSWERS


def _world(database_url: str, tmp_path: Path, clock):
    clock.set(OPEN + timedelta(days=2))
    world = build_world(database_url, tmp_path / "data", clock)
    factory = world.core.services.session_factory
    with transaction(factory) as s:
        officer = find_officer(s, "0900000001")  # user 1, Lò Văn An, commune 3001
        from store.models import Period

        period = s.get(Period, world.period_id)
        draft = start_draft(s, period, 3001, officer.id, clock.now())
        draft.answers = {**ANSWERS, "anh": None}
        submit(s, draft, period, officer.id, clock.now())
        user = s.scalar(select(User).where(User.officer_id == officer.id))
        if user is None:
            user = User(channel="test", external_id="1", chat_id="1", display_name="An", created_at=clock.now(),
                        last_seen_at=clock.now(), officer_id=officer.id)
            s.add(user)
            s.flush()
        s.add(DialogState(user_id=user.id, name="report", data={}, updated_at=clock.now()))
        enqueue(s, user, Reply(text="nhắc An"), key="k1", kind="reminder", not_before=clock.now(), now=clock.now())
    return world, factory


def test_removed_officer_is_erased_after_the_period_reports_stay(database_url: str, tmp_path: Path, clock) -> None:
    world, factory = _world(database_url, tmp_path, clock)
    with transaction(factory) as s:
        officer = find_officer(s, "0900000001")
        assert remove_officer(s, officer, now=clock.now()) and not officer.active
        assert not remove_officer(s, officer, now=clock.now())  # once
        officer_id = officer.id
    with transaction(factory) as s:
        assert erase_due(s, now=clock.now() + timedelta(days=29), after_days=30).officers == []
        assert erase_due(s, now=clock.now() + timedelta(days=30), after_days=30, dry_run=True).officers == [officer_id]
        assert s.get(Officer, officer_id).phone == "0900000001"  # a dry run changes nothing
    with transaction(factory) as s:
        assert erase_due(s, now=clock.now() + timedelta(days=30), after_days=30).officers == [officer_id]
    with factory() as s:
        officer = s.get(Officer, officer_id)
        assert (officer.full_name, officer.phone, officer.telegram_id) == (ERASED_NAME, None, None)
        user = s.scalar(select(User).where(User.officer_id == officer_id))
        assert (user.chat_id, user.display_name, user.phone) == ("", ERASED_NAME, None)
        assert user.external_id.startswith("erased-")
        assert s.scalar(select(func.count()).select_from(DialogState)) == 0
        queued = s.scalar(select(OutboxMessage).where(OutboxMessage.dedup_key == "k1"))
        assert (queued.state, queued.chat_id, queued.payload) == ("skipped", "", {"text": ""})
        report = s.scalar(select(Report).where(Report.commune_code == 3001))
        assert report is not None and report.submitted_by == officer_id  # the commune's report stays


def test_missing_from_list_spares_supervisors(database_url: str, tmp_path: Path, clock) -> None:
    world, factory = _world(database_url, tmp_path, clock)
    with factory() as s:
        missing = missing_from_list(s, {"0900000001"})
        assert sorted(o.full_name for o in missing) == ["Tòng Thị Bình", "Vàng A Chứ"]


def test_prune_old_delivered_messages_keys_and_generated_files(database_url: str, tmp_path: Path, clock) -> None:
    world, factory = _world(database_url, tmp_path, clock)
    files = world.core.services.settings.files_dir
    old_export, new_chart, photo = files / "exports" / "old.xlsx", files / "charts" / "new.png", files / "reports" / "a.jpg"
    for path in (old_export, new_chart, photo):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    now = clock.now() + timedelta(days=91)
    old = (clock.now() - timedelta(days=1)).timestamp()
    for path in (old_export, photo):
        os.utime(path, (old, old))
    os.utime(new_chart, (now.timestamp(), now.timestamp()))
    with transaction(factory) as s:
        s.add(ProcessedUpdate(channel="test", update_key="old", processed_at=clock.now()))
        s.add(ProcessedUpdate(channel="test", update_key="new", processed_at=now))
        user = s.scalar(select(User))
        sent = enqueue(s, user, Reply(text="đã gửi"), key="sent", kind="reply", not_before=clock.now(), now=clock.now())
        sent.state, sent.sent_at = "sent", clock.now()
    with transaction(factory) as s:
        dry = prune(s, files, now=now, retention_days=90, erase_after_days=30, dry_run=True)
    assert (dry.outbox, dry.processed_updates, dry.files) == (1, 1, [old_export])
    assert old_export.exists()
    with transaction(factory) as s:
        prune(s, files, now=now, retention_days=90, erase_after_days=30)
    with factory() as s:
        assert set(s.scalars(select(ProcessedUpdate.update_key))) == {"new"}
        assert set(s.scalars(select(OutboxMessage.dedup_key))) == {"k1"}  # still queued: kept
    assert not old_export.exists() and new_chart.exists() and photo.exists()  # photos are never pruned
