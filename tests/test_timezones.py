"""Report days are the API's UTC days, wherever the asker is (UTC−10, UTC+9, UTC+13).

Before the fix `today` came from CLAUDE_USAGE_TZ, so east of UTC "yesterday", `Nd` and finance
took in the UTC day still filling in (Asia/Tokyo at 20:00Z: "yesterday" $87.80, −65 %, against
$252.17 in UTC). The fixture's clock is 12:00Z on Nov 20: 02:00 in Honolulu, 21:00 in Tokyo and
01:00 on Nov 21 in Tonga, whose local "yesterday" (Nov 20) is the UTC day still coming in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from bot.reports.periods import utc_today
from tests.fakes.slack_env import ADMIN, SlackEnv

pytest_plugins = ["tests.fakes.slack_fixtures"]

ZONES = ("UTC", "Pacific/Honolulu", "Asia/Tokyo", "Pacific/Tongatapu")
WORDS = ("spend yesterday", "adoption 7d", "tokens 7d", "finance", "top-spenders yesterday")


@pytest.mark.parametrize("zone", ZONES)
def test_every_zone_gets_the_utc_answer(zone: str, make_slack_env: Callable[..., SlackEnv]) -> None:
    env = make_slack_env(tz=zone)
    got = {words: env.ask(words, ADMIN).text for words in WORDS}
    utc = make_slack_env(tz="UTC")
    expected = {words: utc.ask(words, ADMIN).text for words in WORDS}
    assert got == expected
    yesterday = env.ask("spend yesterday", ADMIN)
    assert "Nov 19, 2026" in str(yesterday.blocks)  # the last complete UTC day, not Nov 20
    assert "Data (UTC days)" in str(yesterday.blocks)  # and the answer says which days


def test_utc_today_is_the_utc_date_of_an_aware_moment() -> None:
    tonga_morning = datetime(2026, 11, 20, 12, tzinfo=UTC)
    assert utc_today(tonga_morning) == date(2026, 11, 20)
    with pytest.raises(ValueError, match="timezone-aware"):
        utc_today(datetime(2026, 11, 20, 12))  # noqa: DTZ001
