"""Train the answerability model: python -m benchmarks.qa_train [--per-section 6] [--dry-run].

Generates questions from the five samples (benchmarks/qa_generate.py), runs each through the
bot's own understanding and ranking, computes the features of its ranked passages
(handlers/ask/model.py), fits a logistic regression (scikit-learn, dev extra) on the train
split, picks the operating point on the validation split (best balanced rate of answered
answerable questions and declined unanswerable ones), prints the precision/recall curve, the
held-back test split's figures, and writes store/search/answerability.txt (plain text,
applied with numpy at run time).
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sqlalchemy import select

from benchmarks.qa_generate import DocView, Generated, generate
from bot.services import build_services
from core.settings import Settings
from handlers.ask.model import candidate_rows
from store.search.answer_fit import needs_of
from store.clock import FakeClock
from store.models import Document, Section
from store.search.service import ensure_index
from store.search.answerability import WEIGHTS_FILE, model
from store.search.discourse import understand
from store.search.docref import issuer_level
from store.search.features import NAMES
from store.search.resolve import resolve
from store.vn import text as vntext

LEVEL_WORDS = {"tinh": "tỉnh", "huyen": "huyện", "thanh pho": "thành phố", "xa": "xã", "thi xa": "thị xã"}
HOME = (12,)  # the benchmark's asker: Lai Châu
Row = tuple[Generated, list[list[float]], list[int]]


def corpus(services) -> tuple[list[tuple[int, int, str]], dict[int, DocView], dict[int, set[str]]]:
    with services.session_factory() as s:
        docs = {}
        words: dict[int, set[str]] = {}
        for d in s.scalars(select(Document).order_by(Document.id)):
            place = d.place or ""
            level = "" if vntext.search_key(place).split()[:1] in (["thanh"], ["huyen"], ["tinh"]) else \
                LEVEL_WORDS.get(issuer_level(d.issuer or "") or "", "")
            docs[d.id] = DocView(d.id, d.kind or "", d.number, place, d.issued_year, level)
            words[d.id] = set()
        sections = [(sec.id, sec.document_id, f"{sec.heading or ''}\n{sec.text or ''}")
                    for sec in s.scalars(select(Section).order_by(Section.document_id, Section.ordinal))]
        for _, doc_id, text in sections:
            words[doc_id].update(vntext.search_key(text).split())
    return sections, docs, words


def featurize(services, questions: list[Generated]) -> list[Row]:
    """Each question's candidate features and labels, as the bot would rank them."""
    index = ensure_index(services)
    rows: list[Row] = []
    for g in questions:
        resolved = resolve(index, understand(g.question), HOME)
        result = index.search(resolved.question, home_provinces=HOME, limit=30)
        cands = candidate_rows(index, result, needs_of(result.query))
        labels = [int(g.label == 1 and (hit.section_id == g.section_id or
                                        (len(g.answer) > 3 and g.answer in vntext.search_key(text))))
                  for hit, text, _ in cands]
        rows.append((g, [x for _, _, x in cands], labels))
        old = next((i for i, (_, _, x) in enumerate(cands) if x[CHECKS]), None)  # the earlier hand checks
        BASELINE.append((g.split, g.label, old is not None, old is not None and labels[old] == 1))
    return rows


CHECKS = NAMES.index("all_checks")
BASELINE: list[tuple[str, int, bool, bool]] = []  # (split, label, answered, right) under the hand rules


def decide(rows: list[Row], probs: list[np.ndarray], threshold: float) -> tuple[int, int, int, int, int]:
    """(answerable, answered right, unanswerable, declined, answers given) at ``threshold``."""
    pos = right = neg = declined = given = 0
    for (g, _, labels), p in zip(rows, probs):
        chosen = next((i for i, v in enumerate(p) if v >= threshold), None)
        given += chosen is not None
        if g.label:
            pos += 1
            right += chosen is not None and labels[chosen] == 1
        else:
            neg += 1
            declined += chosen is None
    return pos, right, neg, declined, given


def curve(rows: list[Row], probs: list[np.ndarray], thresholds) -> list[tuple[float, float, float, float]]:
    """(threshold, precision of answers, answered share, declined share)."""
    out = []
    for t in thresholds:
        pos, right, neg, declined, given = decide(rows, probs, t)
        out.append((t, right / max(given, 1), right / max(pos, 1), declined / max(neg, 1)))
    return out


def fit(rows: list[Row]) -> tuple[StandardScaler, LogisticRegression]:
    x = np.asarray([f for _, xs, _ in rows for f in xs], dtype=np.float64)
    y = np.asarray([lab for _, _, labels in rows for lab in labels], dtype=np.int64)
    scaler = StandardScaler().fit(x)
    clf = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000).fit(scaler.transform(x), y)
    return scaler, clf


def write_weights(scaler: StandardScaler, clf: LogisticRegression, threshold: float, path: Path, note: str) -> None:
    lines = ["# answerability model (benchmarks/qa_train.py): feature mean scale coef", f"# {note}",
             f"threshold {threshold:.4f}", f"intercept {float(clf.intercept_[0]):.6f}"]
    for name, mean, scale, coef in zip(NAMES, scaler.mean_, scaler.scale_, clf.coef_[0]):
        lines.append(f"{name} {mean:.6f} {scale:.6f} {coef:.6f}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def report_generated(services, per_section: int = 30) -> None:
    """The committed model on the generated set: its size, the precision/recall curve on the
    validation split, and the held-back test split's answered/declined (printed by benchmarks.qa)."""
    sections, docs, words = corpus(services)
    questions = generate(sections, docs, words, per_section=per_section)
    held = [q for q in questions if q.split != "train"]
    rows = featurize(services, held)
    m = model()
    probs = [np.asarray([m.probability(x) for x in xs]) for _, xs, _ in rows]
    print(f"\n== generated set: {len(questions):,} questions from the samples "
          f"({sum(q.label for q in questions):,} answerable, {sum(not q.label for q in questions):,} near misses); "
          f"model's operating point {m.threshold:.2f}")
    val = [(r, p) for r, p in zip(rows, probs) if r[0].split == "validation"]
    print("   validation split: threshold  precision  answered  declined")
    for t, p, a, d in curve([r for r, _ in val], [p for _, p in val], [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]):
        print(f"      {t:.2f}   {100 * p:5.1f}%   {100 * a:5.1f}%   {100 * d:5.1f}%")
    test = [(r, p) for r, p in zip(rows, probs) if r[0].split == "test"]
    pos, right, neg, declined, _ = decide([r for r, _ in test], [p for _, p in test], m.threshold)
    print(f"   held-back test split, the model (measured, not deciding): answered {right}/{pos} = {100 * right / max(pos, 1):.1f}%, "
          f"declined {declined}/{neg} = {100 * declined / max(neg, 1):.1f}%")
    checks = [np.asarray([float(x[CHECKS]) for x in xs]) for (_, xs, _), _ in test]
    pos, right, neg, declined, _ = decide([r for r, _ in test], checks, 0.5)
    print(f"   held-back test split, the hand checks (what the bot uses): answered {right}/{pos} = "
          f"{100 * right / max(pos, 1):.1f}%, declined {declined}/{neg} = {100 * declined / max(neg, 1):.1f}%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-section", type=int, default=6)
    parser.add_argument("--dry-run", action="store_true", help="print the figures, keep the weights file")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, bot_token=None, database_url=f"sqlite:///{tmp}/t.sqlite3",
                            data_dir=Path(tmp) / "data")
        services = build_services(settings, FakeClock())
        sections, docs, words = corpus(services)
        questions = generate(sections, docs, words, per_section=args.per_section)
        print(f"generated {len(questions):,} questions: " + ", ".join(
            f"{k} {v}" for k, v in sorted(Counter((q.split, q.label) for q in questions).items())))
        rows = featurize(services, questions)
    by_split = {s: [r for r in rows if r[0].split == s] for s in ("train", "validation", "test")}
    scaler, clf = fit(by_split["train"])

    def probs(split: list[Row]) -> list[np.ndarray]:
        return [clf.predict_proba(scaler.transform(np.asarray(xs)))[:, 1] if xs else np.zeros(0) for _, xs, _ in split]

    thresholds = [round(t, 2) for t in np.arange(0.30, 0.96, 0.05)]
    points = curve(by_split["validation"], probs(by_split["validation"]), thresholds)
    print("validation split: threshold  precision  answered  declined")
    for t, p, a, d in points:
        print(f"   {t:.2f}   {100 * p:5.1f}%   {100 * a:5.1f}%   {100 * d:5.1f}%")
    best = max(points, key=lambda p: (p[2] + p[3], p[0]))[0]
    pos, right, neg, declined, _ = decide(by_split["test"], probs(by_split["test"]), best)
    note = (f"operating point {best:.2f} (validation); held-back test split: answered {right}/{pos}, "
            f"declined {declined}/{neg}")
    print(note)
    base = [b for b in BASELINE if b[0] == "test"]
    print(f"hand rules on the same split: answered {sum(b[3] for b in base if b[1])}/{sum(b[1] for b in base)}, "
          f"declined {sum(not b[2] for b in base if not b[1])}/{sum(not b[1] for b in base)}")
    if not args.dry_run:
        write_weights(scaler, clf, best, WEIGHTS_FILE, note)
        print(f"weights written to {WEIGHTS_FILE}")


if __name__ == "__main__":
    main()
