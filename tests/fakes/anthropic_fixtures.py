"""pytest plugin: a fake Anthropic Messages API (see `tests.fakes.anthropic_api`). tests/conftest.py
loads it for every test module (so modules may also import `anthropic_client` from here without
pytest's "already imported" warning); the fake only starts for tests that ask for it.

    fake_anthropic            a running FakeAnthropic with an empty script (`set_script` it); at
                              teardown, fails the test if a step was missing or raised, since the
                              bot under test may have turned that 500 into a polite apology
    anthropic_client(fake)    a real `anthropic.Anthropic` pointed at the fake
"""

from __future__ import annotations

from collections.abc import Iterator

import anthropic
import pytest

from tests.fakes.anthropic_api import TEST_API_KEY, FakeAnthropic


def anthropic_client(fake: FakeAnthropic, *, max_retries: int = 2) -> anthropic.Anthropic:
    """The real SDK client on the fake: key "test-key", few retries, a short timeout so a hung
    fake fails a test quickly instead of waiting the SDK's 10 minutes. Close it (`with`)."""
    return anthropic.Anthropic(
        api_key=TEST_API_KEY, base_url=fake.base_url, max_retries=max_retries, timeout=10.0
    )


@pytest.fixture
def fake_anthropic() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as fake:
        yield fake
        assert not fake.script_errors, f"FakeAnthropic script errors: {fake.script_errors}"
