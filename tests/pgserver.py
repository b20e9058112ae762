"""A throwaway PostgreSQL server for tests, from the machine's PostgreSQL binaries.

``TEST_DATABASE_URL`` wins when set. Otherwise the first call starts a server in a temp
directory (as the ``postgres`` user when running as root: the server refuses root) and stops
it at exit. ``python -m tests.pgserver start DIR`` does the same for .ci/run and prints the URL.
"""

from __future__ import annotations

import argparse
import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional
from urllib.parse import quote

_started_url: Optional[str] = None
_tried = False


def _bin_dir() -> Optional[Path]:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def start_server(directory: Path) -> tuple[str, Path]:
    """initdb and start a server in ``directory``; return its URL and data dir."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        raise RuntimeError("no PostgreSQL binaries (initdb) found")
    directory.mkdir(parents=True, exist_ok=True)
    data = directory / "pgdata"
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
        os.chmod(directory, 0o755)
    port = _free_port()
    subprocess.run(_as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                                 "-E", "UTF8", "--locale=C.UTF-8"]), check=True, capture_output=True)
    opts = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(directory / "log"), "-w", "start"]),
                   check=True, capture_output=True)
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", data


def stop_server(data: Path) -> None:
    bin_dir = _bin_dir()
    if bin_dir is not None:
        subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)


class DedicatedServer:
    """A server of its own for a test that stops and restarts PostgreSQL (an outage).

    Commits are synchronous here (the shared server's are not): a commit acknowledged before
    an immediate stop must still be there after the restart, as on a production server.
    """

    def __init__(self, directory: Path, password: Optional[str] = None) -> None:
        self.password = password  # set: password authentication (scram), the URL carries it encoded
        bin_dir = _bin_dir()
        if bin_dir is None:
            raise RuntimeError("no PostgreSQL binaries (initdb) found")
        self.bin_dir, self.directory, self.data = bin_dir, directory, directory / "pgdata"
        self.port = 0
        self.url = ""

    def _opts(self) -> str:
        return (f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off "
                f"-c synchronous_commit=on -c max_connections=100")

    def create(self) -> str:
        """initdb and start; returns the URL (the same across stop/start)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
            os.chmod(self.directory, 0o755)
        self.port = _free_port()
        auth = ["-A", "trust"]
        if self.password is not None:
            pwfile = self.directory / "pwfile"
            pwfile.write_text(self.password + "\n", encoding="utf-8")
            if os.geteuid() == 0:
                shutil.chown(pwfile, "postgres", "postgres")
            auth = ["-A", "scram-sha-256", f"--pwfile={pwfile}"]
        subprocess.run(_as_postgres([str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres", *auth,
                                     "-E", "UTF8", "--locale=C.UTF-8"]), check=True, capture_output=True)
        self.start()
        user = "postgres" if self.password is None else f"postgres:{quote(self.password, safe='')}"
        self.url = f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/postgres"
        return self.url

    def start(self) -> None:
        subprocess.run(_as_postgres([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-o", self._opts(),
                                     "-l", str(self.directory / "log"), "-w", "start"]), check=True, capture_output=True)

    def stop(self) -> None:
        """Stop at once, like a crash or a lost server: connections drop, new ones are refused."""
        subprocess.run(_as_postgres([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                                     "-w", "stop"]), check=True, capture_output=True)

    def destroy(self) -> None:
        stop_server(self.data)
        shutil.rmtree(self.directory, ignore_errors=True)


def postgres_url() -> Optional[str]:
    """URL of a server for tests, starting one on first use; None when impossible."""
    global _started_url, _tried
    if os.environ.get("TEST_DATABASE_URL"):
        return os.environ["TEST_DATABASE_URL"]
    if _tried:
        return _started_url
    _tried = True
    try:
        directory = Path(tempfile.mkdtemp(prefix="pgtest-"))
        url, data = start_server(directory)
    except (RuntimeError, subprocess.CalledProcessError, OSError, LookupError):
        return None
    atexit.register(lambda: (stop_server(data), shutil.rmtree(directory, ignore_errors=True)))
    _started_url = url
    return url


@contextmanager
def fresh_database(base_url: str) -> Iterator[str]:
    """Create an empty database on the server, yield its URL, drop it afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    start = sub.add_parser("start")
    start.add_argument("dir", type=Path)
    stop = sub.add_parser("stop")
    stop.add_argument("dir", type=Path)
    args = parser.parse_args()
    if args.cmd == "start":
        url, _ = start_server(args.dir)
        print(url)
    else:
        stop_server(args.dir / "pgdata")


if __name__ == "__main__":
    main()
