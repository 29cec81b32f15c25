"""Loaded by every Python the test suite starts (notebook kernels included): the lessons must work offline.

Any connection or name lookup beyond this machine raises instead of leaving it, so a cell that reaches the
network fails its test with a message that says so.
"""

import ipaddress
import socket

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}
_connect, _connect_ex, _getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo


def is_local(host: object) -> bool:
    """True for loopback addresses and names, and for anything that is not an internet host (Unix sockets)."""
    if not isinstance(host, str):
        return True
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(host: object) -> OSError:
    return OSError(f"Tensor Bridge works offline: a cell tried to reach {host!r}, beyond this machine")


def _offline_connect(self: socket.socket, address: object) -> None:
    host = address[0] if isinstance(address, tuple) else address
    if self.family in (socket.AF_INET, socket.AF_INET6) and not is_local(host):
        raise _refuse(host)
    return _connect(self, address)


def _offline_connect_ex(self: socket.socket, address: object) -> int:
    host = address[0] if isinstance(address, tuple) else address
    if self.family in (socket.AF_INET, socket.AF_INET6) and not is_local(host):
        raise _refuse(host)
    return _connect_ex(self, address)


def _offline_getaddrinfo(host: object, *args: object, **kwargs: object) -> list:
    if host is not None and not is_local(host.decode() if isinstance(host, bytes) else host):
        raise _refuse(host)
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect = _offline_connect
socket.socket.connect_ex = _offline_connect_ex
socket.getaddrinfo = _offline_getaddrinfo
