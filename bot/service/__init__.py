"""`claude-usage serve` as a service: start-up, probes, and a clean stop.

run.py        wires the Slack app (socket or HTTP mode), the scheduler and the probes, then
              waits for SIGTERM/SIGINT and stops everything in order
shutdown.py   the stop signals (PID 1 safe) and the deadline every stop step shares
health.py     what `/healthz` (liveness) and `/readyz` (readiness) answer
socket.py     socket mode: Bolt's handler with a log id per envelope and an honest link state
"""
