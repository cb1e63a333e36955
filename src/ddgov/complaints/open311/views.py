"""Work in progress (issue 7): replaced by the real views."""

from django.http import Http404, HttpRequest, HttpResponse


def discovery(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def services(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def service_definition(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def requests(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def request_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def token(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
