"""The ``ddgov`` console command: Django's management commands under one name.

``ddgov audit verify`` is ``django-admin audit verify`` with ddgov's settings preselected, so
operators never have to know where ``manage.py`` lives.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command with ddgov's settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddgov.settings")
    from django.core.management import execute_from_command_line  # noqa: PLC0415

    execute_from_command_line(["ddgov", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
