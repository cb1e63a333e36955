"""One detector per PII type; each takes the line and its ASCII-digit twin and returns findings."""
