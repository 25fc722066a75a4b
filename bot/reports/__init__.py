"""Reports: pure functions over the snapshot store returning typed results, and the command grammar.

    periods.py       Period and parse_period ("7d", "last-week", "2026-10-01..2026-10-31")
    commands.py      parse_command / USAGE / run_command / export_rows: the /claude-usage grammar
    types.py         every result model (money in integer micro-cents, None = not available)
    spend.py         top_spenders, spend_series        tokens.py    token_series
    adoption.py      adoption                          profile.py   user_profile
    rankings.py      ranking (projects, skills, connectors)
    compare.py       compare (period over period)      finance.py   finance
    status.py        status                            export.py    export_rows (CSV, exact cents)
    coverage.py      which days are synced (NoDataError, notes, like-for-like comparison days)
    access.py        authorize: who may see what, for every surface   privacy.py   groups of 5

Reports read the store, never the API, and never format text beyond labels and notes.
This package module imports nothing, so importing one report does not load them all.
"""
