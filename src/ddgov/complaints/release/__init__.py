"""The daily open-data release of complaints: redaction (:mod:`.redact`) and publishing (:mod:`.services`)."""
