"""Work in progress (issue 7): replaced by the real views."""

from django.http import Http404, HttpRequest, HttpResponse


def upload(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
