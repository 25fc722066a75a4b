"""claude-usage-bot: Claude Enterprise adoption and spend, answered in Slack."""

__version__ = "0.1.0"
