"""Tell systemd the kiosk is up and still alive (sd_notify), without a dependency.

The service runs with ``Type=notify`` and ``WatchdogSec=``: systemd waits for READY=1
before it counts the kiosk as started, and restarts it when WATCHDOG=1 stops arriving
(a hung UI thread, a deadlocked camera worker). The protocol is one datagram on the
AF_UNIX socket named by ``$NOTIFY_SOCKET``; a leading ``@`` names an abstract socket.

Outside systemd (a developer's shell, the tests, ``legfit demo``) ``$NOTIFY_SOCKET`` is
unset and every call is a cheap no-op. A failure to send is logged once and never raised:
a watchdog problem must not take the kiosk down in front of a shopper.

Feed it from the Qt main thread's timer, and only while the workers are healthy, so that
a frozen UI or a stuck pipeline is exactly what stops the pings::

    notifier = SystemdNotifier.from_environment()
    notifier.ready("camera open")
    ...  # on the UI timer, every few hundred ms:
    notifier.ping(healthy=camera_heartbeat_age_s < 5.0)
    ...
    notifier.stopping()
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Mapping

_log = logging.getLogger(__name__)

# systemd recommends pinging at half the watchdog period; a little more often is safer.
_PING_FRACTION_OF_PERIOD = 0.4
# Without a watchdog period (not configured) a ping is still allowed this often.
_DEFAULT_MIN_PING_INTERVAL_S = 1.0


class SystemdNotifier:
    """Sends sd_notify state lines; a no-op when no notify socket is configured.

    ``socket_path`` is the value of ``$NOTIFY_SOCKET`` (``None`` disables everything).
    ``watchdog_usec`` is ``$WATCHDOG_USEC`` (the period systemd enforces), used to space
    pings so a fast UI timer does not flood the socket. ``clock_s`` is injectable for tests.
    """

    def __init__(
        self,
        socket_path: str | None,
        watchdog_usec: int | None = None,
        clock_s: Callable[[], float] = time.monotonic,
    ) -> None:
        self._address = _socket_address(socket_path) if socket_path else None
        self._watchdog_period_s = watchdog_usec / 1e6 if watchdog_usec else None
        self._clock_s = clock_s
        self._last_ping_s: float | None = None
        self._send_failed_logged = False

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> SystemdNotifier:
        """Build from ``$NOTIFY_SOCKET``, ``$WATCHDOG_USEC`` and ``$WATCHDOG_PID``.

        A watchdog period meant for another process (``$WATCHDOG_PID`` set and not ours,
        e.g. the compositor that started us) is ignored, as sd_watchdog_enabled() does.
        """
        env = os.environ if environ is None else environ
        socket_path = env.get("NOTIFY_SOCKET") or None
        watchdog_usec = _positive_int(env.get("WATCHDOG_USEC"))
        watchdog_pid = _positive_int(env.get("WATCHDOG_PID"))
        if watchdog_pid is not None and watchdog_pid != os.getpid():
            watchdog_usec = None
        return cls(socket_path, watchdog_usec)

    @property
    def enabled(self) -> bool:
        """True when running under systemd with a notify socket."""
        return self._address is not None

    @property
    def watchdog_period_s(self) -> float | None:
        """The period systemd enforces (``WatchdogSec=``), or None when not configured."""
        return self._watchdog_period_s

    @property
    def ping_interval_s(self) -> float:
        """How often :meth:`ping` actually sends; call it at least this often."""
        if self._watchdog_period_s is None:
            return _DEFAULT_MIN_PING_INTERVAL_S
        return self._watchdog_period_s * _PING_FRACTION_OF_PERIOD

    def ready(self, status: str | None = None) -> bool:
        """The kiosk is up (window shown, camera open): READY=1."""
        fields = {"READY": "1"}
        if status:
            fields["STATUS"] = status
        return self.notify(fields)

    def ping(self, healthy: bool = True) -> bool:
        """Feed the watchdog, at most once per :attr:`ping_interval_s`.

        ``healthy=False`` skips the ping on purpose: when the app knows it is stuck
        (e.g. no frame from the camera worker for too long) letting the watchdog fire
        is the recovery. Returns True when a datagram was sent.
        """
        if not healthy or self._address is None:
            return False
        now_s = self._clock_s()
        if self._last_ping_s is not None and now_s - self._last_ping_s < self.ping_interval_s:
            return False
        sent = self.notify({"WATCHDOG": "1"})
        if sent:
            self._last_ping_s = now_s
        return sent

    def status(self, text: str) -> bool:
        """A one-line status shown by ``systemctl status``."""
        return self.notify({"STATUS": text})

    def stopping(self) -> bool:
        """The kiosk is shutting down on purpose: STOPPING=1."""
        return self.notify({"STOPPING": "1"})

    def notify(self, fields: Mapping[str, str]) -> bool:
        """Send ``KEY=value`` lines in one datagram; False when disabled or it failed."""
        if self._address is None:
            return False
        for key, value in fields.items():
            if "\n" in key or "\n" in value or "=" in key:
                raise ValueError(f"invalid sd_notify field {key!r}")
        payload = "\n".join(f"{k}={v}" for k, v in fields.items()).encode("utf-8")
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.connect(self._address)
                sock.sendall(payload)
        except OSError as exc:
            if not self._send_failed_logged:
                _log.warning("systemd notify failed: %s", exc)
                self._send_failed_logged = True
            return False
        return True


def _socket_address(path: str) -> str:
    # "@name" is the text form of an abstract socket, whose address starts with a NUL byte.
    return "\0" + path[1:] if path.startswith("@") else path


def _positive_int(text: str | None) -> int | None:
    try:
        value = int(text) if text else None
    except ValueError:
        return None
    return value if value and value > 0 else None
