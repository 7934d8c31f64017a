"""The systemd notifier speaks sd_notify on a real datagram socket and is silent outside."""

from __future__ import annotations

import os
import socket
import uuid

import pytest

from kiosk.watchdog import SystemdNotifier


@pytest.fixture
def notify_socket(tmp_path):
    """A datagram socket standing in for systemd's notify socket."""
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(1.0)
    yield str(path), sock
    sock.close()


def _received(sock: socket.socket) -> list[str]:
    lines = []
    sock.setblocking(False)
    try:
        while True:
            lines.append(sock.recv(4096).decode())
    except BlockingIOError:
        pass
    finally:
        sock.setblocking(True)
    return lines


def test_ready_status_and_stopping_arrive_as_sd_notify_lines(notify_socket):
    path, sock = notify_socket
    notifier = SystemdNotifier(path)
    assert notifier.enabled
    assert notifier.ready("camera open")
    assert notifier.status("measuring")
    assert notifier.stopping()
    assert _received(sock) == ["READY=1\nSTATUS=camera open", "STATUS=measuring", "STOPPING=1"]


def test_pings_are_spaced_by_the_watchdog_period(notify_socket):
    path, sock = notify_socket
    now = [100.0]
    # WatchdogSec=10 s: pings at most every 4 s (0.4 of the period).
    notifier = SystemdNotifier(path, watchdog_usec=10_000_000, clock_s=lambda: now[0])
    assert notifier.ping_interval_s == pytest.approx(4.0)
    sent = []
    for _ in range(20):  # a UI timer ticking every 0.5 s for 10 s
        sent.append(notifier.ping())
        now[0] += 0.5
    assert sent.count(True) == 3  # at 0, 4 and 8 s
    assert _received(sock) == ["WATCHDOG=1"] * 3


def test_an_unhealthy_app_does_not_feed_the_watchdog(notify_socket):
    path, sock = notify_socket
    notifier = SystemdNotifier(path, watchdog_usec=2_000_000)
    assert not notifier.ping(healthy=False)
    assert _received(sock) == []


def test_abstract_socket_names_are_understood():
    name = f"legfit-test-{uuid.uuid4().hex}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + name)
    try:
        assert SystemdNotifier("@" + name).ready()
        assert sock.recv(4096) == b"READY=1"
    finally:
        sock.close()


@pytest.mark.parametrize(
    ("environ", "enabled", "period_s"),
    [
        # not under systemd: everything is a no-op
        ({}, False, None),
        # a notify socket without a watchdog
        ({"NOTIFY_SOCKET": "/run/x"}, True, None),
        # the watchdog is ours
        ({"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "30000000",
          "WATCHDOG_PID": str(os.getpid())}, True, 30.0),
        # the watchdog belongs to another process (the compositor that started us)
        ({"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"},
         True, None),
        # garbage in WATCHDOG_USEC is ignored, not fatal
        ({"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "soon"}, True, None),
    ],
)
def test_configuration_comes_from_the_environment(environ, enabled, period_s):
    notifier = SystemdNotifier.from_environment(environ)
    assert notifier.enabled is enabled
    assert notifier.watchdog_period_s == period_s


def test_outside_systemd_every_call_is_a_harmless_no_op():
    notifier = SystemdNotifier.from_environment({})
    assert not notifier.ready()
    assert not notifier.ping()
    assert not notifier.stopping()


def test_a_vanished_notify_socket_is_logged_not_raised(tmp_path, caplog):
    notifier = SystemdNotifier(str(tmp_path / "gone"), watchdog_usec=1_000_000)
    assert not notifier.ping()
    assert not notifier.ping()
    # logged once, not once per timer tick
    assert len(caplog.records) == 1
    assert "systemd notify failed" in caplog.text


def test_a_field_that_would_break_the_protocol_is_refused(notify_socket):
    path, _ = notify_socket
    with pytest.raises(ValueError):
        SystemdNotifier(path).notify({"STATUS": "two\nlines"})
