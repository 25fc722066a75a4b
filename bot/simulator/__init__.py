"""A faithful simulated Claude Enterprise Analytics API, backed by a deterministic synthetic org.

Public API (see each module for details):

    SimConfig                                   bot.simulator.config   every knob, frozen
    create_app(config) -> Starlette             bot.simulator.app      the ASGI app
    start_simulator(config, host, port)         bot.simulator.server   background server
        -> RunningSimulator(.base_url, .config, .org, .set_now(), .request_counts(), .stop())
    serve(config, host, port)                   bot.simulator.server   blocking (CLI `simulate`)
    SyntheticOrg                                bot.simulator.org      ground truth for tests

Layout: `profiles`/`activity`/`spend` derive the org (static tables, per-user-day engagement,
per-user-day cost lines) from `stable` hashes; `org` ties them together with small caches;
`params`/`windows`/`cost_query`/`cursors` enforce the request rules; `users`, `summaries`,
`breakdowns`, `artifacts`, `cost_reports` build responses; `sparse` thins them when
`SimConfig.sparse` is on; `app`/`state`/`server` serve them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.simulator.app import create_app
    from bot.simulator.config import SimConfig
    from bot.simulator.org import SyntheticOrg
    from bot.simulator.server import RunningSimulator, serve, start_simulator

__all__ = [
    "RunningSimulator",
    "SimConfig",
    "SyntheticOrg",
    "create_app",
    "serve",
    "start_simulator",
]
_WHERE = {
    "create_app": "bot.simulator.app",
    "SimConfig": "bot.simulator.config",
    "SyntheticOrg": "bot.simulator.org",
    "RunningSimulator": "bot.simulator.server",
    "serve": "bot.simulator.server",
    "start_simulator": "bot.simulator.server",
}


def __getattr__(name: str) -> Any:
    """Exports load on first use, so `claude-usage --help` does not start Starlette/uvicorn."""
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
