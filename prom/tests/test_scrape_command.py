"""``manage.py scrape --shard i/n``: the shard is checked before anything starts."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from prom.management.commands.scrape import parse_shard


@pytest.mark.parametrize("text", ["2/2", "1", "a/b", "-1/2", "0/0", "1/"])
def test_a_bad_shard_is_refused_with_the_expected_form(text):
    with pytest.raises(CommandError, match="give i/n with 0 <= i < n"):
        call_command("scrape", f"--shard={text}")


def test_a_good_shard_parses():
    assert parse_shard("0/1") == (0, 1) and parse_shard("3/4") == (3, 4)
