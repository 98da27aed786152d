#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hydra.settings")
    from django.core.management import execute_from_command_line

    from core.preflight import check_database

    if problem := check_database(sys.argv):
        sys.exit(problem)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
