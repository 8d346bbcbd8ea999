"""The command line: help on every subcommand, bad flags, and the embedded default actually serving."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from saleor_subscriptions.cli.main import main

SUBCOMMANDS = ["serve", "worker", "migrate", "schedule", "clock", "installation"]


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_has_help(command, capsys):
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: saleor-subscriptions {command}")


def test_the_top_level_help_lists_the_subcommands(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in SUBCOMMANDS:
        assert command in out


def test_an_unknown_subcommand_is_one_line_and_exit_2(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["frobnicate"])
    assert exited.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "invalid choice: 'frobnicate'" in err[0]


@pytest.mark.parametrize(
    ("argv", "flag", "reason"),
    [
        (["serve", "--port", "70000"], "--port", "between 1 and 65535"),
        (["serve", "--port", "0"], "--port", "between 1 and 65535"),
        (["serve", "--workers", "0"], "--workers", "at least 1"),
        (["worker", "--concurrency", "0"], "--concurrency", "at least 1"),
    ],
)
def test_bad_server_flags_name_the_flag(argv, flag, reason, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"saleor-subscriptions {argv[0]}: error: {flag}: {err[0].split(': ', 3)[-1]}"]
    assert reason in err[0]


@pytest.mark.parametrize(
    ("argv", "flag"),
    [(["serve", "--port", "eighty"], "--port"), (["worker", "--loglevel", "LOUD"], "--loglevel")],
)
def test_flags_of_the_wrong_type_are_refused_by_the_parser(argv, flag, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert flag in err[0]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _embedded_env(var_dir: Path) -> dict[str, str]:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environ["VAR_DIR"] = str(var_dir)
    return environ


@pytest.mark.slow
def test_the_embedded_default_migrates_serves_and_runs_a_worker_with_beat(tmp_path: Path):
    """What `make run` does, on SQLite and the file-system broker under VAR_DIR: no server needed."""
    environ = _embedded_env(tmp_path)
    migrate = subprocess.run(
        [sys.executable, "-m", "saleor_subscriptions", "migrate"],
        env=environ,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr
    assert (tmp_path / "db.sqlite3").exists()
    project_files = set(os.listdir(Path(__file__).parents[2]))

    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "saleor_subscriptions",
            "serve",
            "--port",
            str(port),
            "--workers",
            "1",
            "--with-worker",
        ],
        env=environ,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        body = b""
        deadline = time.monotonic() + 180  # generous: the machine may be busy with other test processes
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2) as response:
                    body = response.read()
                    break
            except OSError:
                time.sleep(0.3)
        assert b'"status": "ok"' in body, (tmp_path / "serve.log").read_text()[-3000:]
        output = ""
        while time.monotonic() < deadline:
            output = (tmp_path / "serve.log").read_text()
            if "ready." in output and "beat: Starting" in output:
                break
            time.sleep(0.3)
        assert "ready." in output, output
        assert "beat: Starting" in output, output
    finally:
        # What Ctrl-C or a service manager does: stop the server, which stops its worker.
        server.send_signal(15)
        try:
            server.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait()
            pytest.fail("serve --with-worker did not stop within 90 s of SIGTERM")
        finally:
            log.close()
    # Everything the embedded default keeps is under VAR_DIR: nothing lands in the working tree.
    assert set(os.listdir(Path(__file__).parents[2])) <= project_files
    assert (tmp_path / "broker" / "control").is_dir()
