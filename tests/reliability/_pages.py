"""Error pages as proxies and CDNs send them, written for these tests."""

from __future__ import annotations

__all__ = ["BAD_GATEWAY_PAGE", "BAN_PAGE", "CDN_HEADERS", "CHALLENGE_PAGE"]

CDN_HEADERS = {"CF-RAY": "90ab12cd34ef5678-FRA", "Server": "cloudflare"}

BAD_GATEWAY_PAGE = (
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    "<body><h1>Bad gateway</h1><p>The origin did not answer in time.</p>"
    "<p>Ray ID: 90ab12cd34ef5678</p></body></html>"
)

BAN_PAGE = (
    "<!DOCTYPE html><html><head><title>Access denied</title></head><body>"
    "<h1>Error 1015</h1><p>You are being rate limited: the owner of this site has "
    "banned you temporarily.</p></body></html>"
)

CHALLENGE_PAGE = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    "<noscript>Enable JavaScript and cookies to continue</noscript></body></html>"
)
"""The page a CDN's bot check answers with — status 200, not an API answer."""
