"""Outbound HTTP that cannot be turned against the machine it runs on (SSRF guard).

A webhook URL is user input that a long-running process (the Jupyter server,
``mm-jupyter serve``) requests on the user's behalf. Without checks it reaches the cloud
metadata service, the Jupyter server itself or anything on the private network
(MLflow's CVE-2026-2393). MLflow's first fix checked the resolved address but then let
the HTTP library resolve the name again, so a DNS answer that changes between the check
and the request (DNS rebinding, mlflow#24179) went straight through. Here a request is
checked and sent in one go:

1. :func:`parse_url`: http(s) only, a host, no ``user:pass@``, a valid port.
2. :func:`check_host_allowed`: the optional host allow-list.
3. :func:`resolve_pinned`: one ``getaddrinfo``; *every* answer must pass
   :func:`refusal_reason` (an attacker controls which answer a client would pick).
4. :class:`PinnedHTTPConnection` / :class:`PinnedHTTPSConnection` connect to exactly the
   address that was checked; nothing resolves the name a second time. TLS still verifies
   the certificate against the host name, and ``Host:`` carries the original name.

Proxies from the environment (``HTTPS_PROXY``) are not used: a proxy would resolve the
name itself and undo the pinning. Redirects are never followed.
"""

from __future__ import annotations

import http.client
import ipaddress
import os
import re
import socket
import ssl
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

ALLOWED_SCHEMES = ("http", "https")
HOSTS_ENV = "MM_JUPYTER_WEBHOOK_HOSTS"

# Instance-metadata endpoints hand out cloud credentials: refused even when the user
# allows private addresses (AWS/GCP/Azure/OpenStack, AWS IPv6, Alibaba, ECS task role).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "169.254.170.2")
)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# The NAT64 well-known prefix carries an IPv4 address in its last 32 bits.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_HOST_ENTRY = re.compile(r"^(\*\.)?[a-z0-9_.:\-\[\]]+$")


class UnsafeURLError(ValueError):
    """A URL or the address it resolves to must not be requested."""


@dataclass(frozen=True)
class Target:
    """A validated http(s) URL, split into what a connection needs."""

    url: str
    scheme: str
    host: str  # lower case, no brackets, no trailing dot
    port: int
    path: str  # path + query, what goes on the request line


@dataclass(frozen=True)
class PinnedAddress:
    """The one resolved address a connection may use."""

    family: int
    sockaddr: tuple
    ip: IPAddress


def parse_url(url: str) -> Target:
    """Validate ``url`` for an outbound request and split it.

    Raises
    ------
    UnsafeURLError
        Another scheme than http/https, no host, credentials in the URL, a bad port, or
        whitespace/control characters (request splitting).
    """
    if not isinstance(url, str):
        raise TypeError(f"a URL must be a string, not {type(url).__name__}")
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        raise UnsafeURLError(f"URL contains whitespace or control characters: {url!r}")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = f"{parts.scheme}:" if parts.scheme else "(none)"
        raise UnsafeURLError(f"URL scheme {shown} is not allowed; use http or https")
    if "@" in parts.netloc:
        # Credentials in a URL end up in logs, the UI and the registry.
        raise UnsafeURLError(
            "URL must not contain credentials (user:pass@); send them in a header "
            "with headers_env={'Authorization': 'ENV_VAR_NAME'}"
        )
    host = normalize_host(parts.hostname or "")
    if not host:
        raise UnsafeURLError(f"URL has no host: {url!r}")
    try:
        port = parts.port
    except ValueError as exc:
        raise UnsafeURLError(f"URL has an invalid port: {url!r}") from exc
    if port == 0:
        raise UnsafeURLError(f"URL has an invalid port: {url!r}")
    if port is None:
        port = 443 if scheme == "https" else 80
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(url=url, scheme=scheme, host=host, port=port, path=path)


def normalize_host(host: str) -> str:
    """Lower-case ``host`` and drop IPv6 brackets and a trailing dot."""
    return host.strip().strip("[]").rstrip(".").lower()


def mask_url(url: str) -> str:
    """Return ``url`` with every query value replaced by ``***`` (for display)."""
    parts = urlsplit(url)
    if not parts.query:
        return urlunsplit(parts._replace(fragment=""))
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = "&".join(f"{quote(k, safe='')}=***" for k, _ in pairs)
    return urlunsplit(parts._replace(query=query, fragment=""))


def allowed_hosts(extra: Iterable[str] | None = None) -> list[str]:
    """Return the host allow-list: ``extra`` plus ``$MM_JUPYTER_WEBHOOK_HOSTS``.

    The environment is read on every call, so an operator can tighten the list without
    touching rules stored in the registry.
    """
    entries = [e for e in os.environ.get(HOSTS_ENV, "").split(",") if e.strip()]
    entries += list(extra or ())
    out: list[str] = []
    for entry in entries:
        norm = normalize_host(entry)
        if norm and norm not in out:
            out.append(norm)
    return out


def validate_host_entries(entries: Iterable[str]) -> list[str]:
    """Check allow-list entries (``host`` or ``*.domain``); return them normalized."""
    out = []
    for entry in entries:
        if not isinstance(entry, str):
            raise TypeError(f"allow_hosts entries must be strings, not {entry!r}")
        norm = normalize_host(entry)
        if not _HOST_ENTRY.match(norm) or norm in ("*.", "*"):
            raise ValueError(
                f"allow_hosts entry {entry!r} is not a host name or '*.domain'"
            )
        out.append(norm)
    return out


def host_matches(host: str, entry: str) -> bool:
    """Whether ``host`` matches one allow-list entry (exact, or ``*.`` = subdomains)."""
    host, entry = normalize_host(host), normalize_host(entry)
    if entry.startswith("*."):
        return host.endswith(entry[1:])
    return host == entry


def check_host_allowed(host: str, allow_hosts: Iterable[str] | None = None) -> None:
    """Raise :class:`UnsafeURLError` if an allow-list exists and lacks ``host``."""
    entries = allowed_hosts(allow_hosts)
    if entries and not any(host_matches(host, e) for e in entries):
        raise UnsafeURLError(
            f"host {host} is not in the webhook allow-list (allow_hosts and "
            f"${HOSTS_ENV}: {', '.join(entries)})"
        )


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """Return the IPv4 address inside an IPv6 one (mapped, 6to4, NAT64, Teredo)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def refusal_reason(ip: IPAddress, *, allow_private: bool = False) -> str | None:
    """Why ``ip`` must not be connected to, or ``None`` when it may.

    Metadata, unspecified, multicast and reserved addresses are always refused;
    ``allow_private`` admits loopback, private, link-local, site-local and other
    non-public ranges (an on-prem Alertmanager, a test listener).
    """
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            reason = refusal_reason(inner, allow_private=allow_private)
            return f"{reason} (embedded in {ip})" if reason else None
        if ip.scope_id:
            ip = ipaddress.IPv6Address(str(ip).split("%")[0])
    if ip in METADATA_ADDRESSES:
        return f"{ip} is a cloud metadata address"
    if ip.is_unspecified:
        return f"{ip} is the unspecified address"
    if ip.is_multicast:
        return f"{ip} is a multicast address"
    private = None
    if ip.is_loopback:
        private = "loopback"
    elif ip.is_link_local:
        private = "link-local"
    elif ip.is_reserved:
        return f"{ip} is a reserved address"
    elif isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        private = "site-local"
    elif ip.is_private:
        private = "private"
    elif not ip.is_global:
        private = "private (not globally routable)"
    if private and not allow_private:
        return (
            f"{ip} is a {private} address; pass allow_private=True to reach a "
            "receiver on this machine or network"
        )
    return None


def resolve_pinned(
    host: str, port: int, *, allow_private: bool = False
) -> PinnedAddress:
    """Resolve ``host`` once, check every answer, and return the address to connect to.

    Every answer is checked, not only the one used: a name that resolves to a public
    *and* a private address is refused, since which one a client picks is up to the
    resolver (and to whoever controls the DNS zone).

    Raises
    ------
    UnsafeURLError
        An answer is refused (see :func:`refusal_reason`).
    OSError
        The name does not resolve.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    pinned = None
    for family, _type, _proto, _canon, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        ip = ipaddress.ip_address(sockaddr[0])
        reason = refusal_reason(ip, allow_private=allow_private)
        if reason:
            raise UnsafeURLError(f"refused {host}: {reason}")
        if pinned is None:
            pinned = PinnedAddress(family=family, sockaddr=tuple(sockaddr), ip=ip)
    if pinned is None:
        raise OSError(f"{host} has no IPv4 or IPv6 address")
    return pinned


class _PinnedMixin:
    """Open the TCP socket to the checked address instead of resolving ``self.host``."""

    _pinned: PinnedAddress
    host: str
    port: int
    timeout: float | None

    def _open_pinned_socket(self) -> socket.socket:
        sys.audit("http.client.connect", self, self.host, self.port)
        # A bare socket connected to the exact sockaddr: socket.create_connection
        # would call getaddrinfo again, the second resolution pinning exists to avoid.
        sock = socket.socket(self._pinned.family, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.timeout)
            sock.connect(self._pinned.sockaddr)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except BaseException:
            sock.close()
            raise
        return sock


class PinnedHTTPConnection(_PinnedMixin, http.client.HTTPConnection):
    """An ``HTTPConnection`` to ``host`` that connects to a pre-checked address."""

    def __init__(self, host: str, port: int, *, pinned: PinnedAddress, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._pinned = pinned

    def connect(self) -> None:
        """Open the socket to the pinned address (never to a fresh resolution)."""
        self.sock = self._open_pinned_socket()


class PinnedHTTPSConnection(_PinnedMixin, http.client.HTTPSConnection):
    """An ``HTTPSConnection`` to a pre-checked address; TLS verifies ``host``."""

    def __init__(self, host: str, port: int, *, pinned: PinnedAddress, timeout: float):
        # Certificate and host name checks on (create_default_context's defaults).
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._pinned = pinned

    def connect(self) -> None:
        """Open the socket to the pinned address, then TLS against the host name."""
        sock = self._open_pinned_socket()
        # server_hostname = the name from the URL, so SNI and the certificate check are
        # about the host the user meant, not the IP we happen to connect to.
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def open_connection(
    target: Target,
    *,
    allow_private: bool = False,
    allow_hosts: Iterable[str] | None = None,
    timeout: float = 5.0,
) -> http.client.HTTPConnection:
    """Check ``target`` (allow-list, resolved addresses); return an unopened connection.

    The connection opens on the first request, to the address checked here.
    """
    check_host_allowed(target.host, allow_hosts)
    pinned = resolve_pinned(target.host, target.port, allow_private=allow_private)
    cls = PinnedHTTPSConnection if target.scheme == "https" else PinnedHTTPConnection
    return cls(target.host, target.port, pinned=pinned, timeout=timeout)
