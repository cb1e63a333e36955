"""The data exchange gateway: the raw ASGI app serving ``/x/…`` (see ``app``)."""
