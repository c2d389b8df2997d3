"""The public IP address this server calls Coupang from, which Coupang must have whitelisted."""

import ipaddress
import logging
import socket

import requests

from ..const import DEFAULT_IP_ECHO_URL, DETECTED_IP_PARAM, IP_ECHO_URL_PARAM, OUTBOUND_IP_PARAM

_logger = logging.getLogger(__name__)


def known_outbound_ip(params):
    """The address set by hand, else the last one detected, else False.

    :param params: ``ir.config_parameter`` with the rights to read it
    """
    return params.get_param(OUTBOUND_IP_PARAM) or params.get_param(DETECTED_IP_PARAM) or False


def detect_outbound_ip(params):
    """Asks the configured echo service for this server's public IP; remembers and returns it, or
    False when the service cannot be reached or gives no IP address."""
    url = params.get_param(IP_ECHO_URL_PARAM, DEFAULT_IP_ECHO_URL)
    try:
        response = requests.get(url, timeout=5)
        response.raise_for_status()
    except requests.RequestException as error:
        _logger.info("Outbound IP detection through %s failed: %s", url, error)
        return False
    ip = response.text.strip()
    if not _looks_like_ip(ip):
        _logger.info("Outbound IP detection through %s returned no IP address", url)
        return False
    params.set_param(DETECTED_IP_PARAM, ip)
    return ip


def local_addresses():
    """This machine's own non-loopback IPv4 addresses: the one its default route leaves from and
    those its host name resolves to. A hint only: behind NAT, Coupang sees another address."""
    addresses = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # a UDP connect sends nothing; it picks the route
            addresses.append(probe.getsockname()[0])
    except OSError as error:
        _logger.debug("No default route to read this machine's address from: %s", error)
    try:
        addresses += [info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)]
    except OSError as error:
        _logger.debug("This machine's host name does not resolve: %s", error)
    return sorted({address for address in addresses if not ipaddress.ip_address(address).is_loopback})


def _looks_like_ip(text):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
