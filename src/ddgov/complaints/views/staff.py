"""Work in progress (issue 7): replaced by the real views."""

from django.http import Http404, HttpRequest, HttpResponse


def queue(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def bulk(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def transition(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def forward(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def assign(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def note(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def merge(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def category(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
