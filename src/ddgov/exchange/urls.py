"""Exchange web pages: staff registry and monitoring, the citizen's data tracker and consents.

The gateway itself (``/x/…``) is not a Django view: ``ddgov.asgi`` routes it to the lean ASGI
gateway before Django's middleware.
"""

app_name = "exchange"

urlpatterns: list = []
