"""Work in progress (issue 7): replaced by the real views."""

from django.http import Http404, HttpRequest, HttpResponse


def home(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def new(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def screen(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def track_lookup(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def track(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def follow(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def reopen(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def rate(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def photo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def mine(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
