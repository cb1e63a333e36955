"""The core keeps only what every app shares and no app owns."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoAccount(models.Model):
    """A sign-in the demo seeder created, listed by ``ddgov demo accounts`` and ``make run``."""

    username = models.CharField(max_length=150, unique=True)
    description = models.CharField(max_length=255)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("order", "username")
        verbose_name = _("demo account")
        verbose_name_plural = _("demo accounts")

    def __str__(self) -> str:
        """Show the user name."""
        return self.username
