"""The network a client address belongs to, for every limit per address (issue 21, item 4).

An IPv4 address is its own group. An IPv6 subscriber is given a whole /64 (or more), and a phone may pick any
address in it for each connection, so every IPv6 address is limited by its /64: one party with one /64 is one
party. An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) is its IPv4 address.
"""

import functools
import ipaddress

IPV6_GROUP_PREFIX = 64


@functools.lru_cache(maxsize=4096)
def address_group(address: str) -> str:
    """The key limits use for the client `address`: an IPv4 address as it is, an IPv6 address as its /64
    (written `2001:db8:1:2::/64`); anything else (a test client's name, "") as it is."""
    if ":" not in address:
        return address
    try:
        ip = ipaddress.IPv6Address(address)
    except ValueError:
        return address
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ipaddress.IPv6Network((ip, IPV6_GROUP_PREFIX), strict=False))
