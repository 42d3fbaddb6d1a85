"""Cross-cutting HTTP concerns: errors, security headers, TLS detection, access logs, templates, field checks."""
