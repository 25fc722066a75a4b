"""What the bot's own questions cost: Anthropic list prices per token, in integer micro-cents.

Micro-cents (1e-8 dollars) keep every price exact and money integer, as everywhere in the store:
$3 per million tokens is 300 micro-cents per token. Prices are list prices for the model
families the bot is likely to run on; an unknown model gets no price (its cost is "not
reported", never a guess). Cache writes cost 1.25× input for 5 minutes and 2× for an hour; cache
reads 0.1×.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Price:
    """Micro-cents per token."""

    input: int
    output: int
    cache_read: int
    cache_write_5m: int
    cache_write_1h: int


def _price(input_per_token: int, output_per_token: int) -> Price:
    return Price(
        input=input_per_token,
        output=output_per_token,
        cache_read=input_per_token // 10,
        cache_write_5m=input_per_token * 5 // 4,
        cache_write_1h=input_per_token * 2,
    )


PRICES: tuple[tuple[str, Price], ...] = (
    # (model id prefix, price); the first prefix that matches wins
    ("claude-opus-4-0", _price(1500, 7500)),
    ("claude-opus-4-1", _price(1500, 7500)),
    ("claude-opus-4-2025", _price(1500, 7500)),
    ("claude-3-opus", _price(1500, 7500)),
    ("claude-opus-", _price(500, 2500)),  # Opus 4.5 and later
    ("claude-sonnet-", _price(300, 1500)),
    ("claude-3-7-sonnet", _price(300, 1500)),
    ("claude-3-5-sonnet", _price(300, 1500)),
    ("claude-haiku-", _price(100, 500)),  # Haiku 4.5 and later
    ("claude-3-5-haiku", _price(80, 400)),
    ("claude-3-haiku", Price(25, 125, 3, 30, 50)),
)


def price_of(model: str) -> Price | None:
    for prefix, price in PRICES:
        if model.startswith(prefix):
            return price
    return None


@dataclass(frozen=True)
class TokenUsage:
    """Tokens of one question, summed over its requests."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_5m_tokens: int = 0
    cache_write_1h_tokens: int = 0

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
            self.cache_write_5m_tokens + other.cache_write_5m_tokens,
            self.cache_write_1h_tokens + other.cache_write_1h_tokens,
        )

    @property
    def cache_write_tokens(self) -> int:
        return self.cache_write_5m_tokens + self.cache_write_1h_tokens

    @property
    def prompt_tokens(self) -> int:
        """The whole prompt: uncached input + cache writes + cache reads."""
        return self.input_tokens + self.cache_write_tokens + self.cache_read_tokens

    def cost_microcents(self, model: str) -> int | None:
        price = price_of(model)
        if price is None:
            return None
        return (
            self.input_tokens * price.input
            + self.output_tokens * price.output
            + self.cache_read_tokens * price.cache_read
            + self.cache_write_5m_tokens * price.cache_write_5m
            + self.cache_write_1h_tokens * price.cache_write_1h
        )
