"""Failure alerts for the DAGs: a task callback that logs and, if configured, posts a webhook.

Wire it in a DAG's ``default_args={"on_failure_callback": on_failure}`` (or per task). Set
``NEWS_ALERT_WEBHOOK`` to a URL accepting JSON (a Slack/Mattermost incoming webhook reads the
``text`` field; anything else gets the structured fields too). A failing webhook is logged and
never raises: an alert must not turn one failure into two.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from collections.abc import Mapping
from typing import Any

from pipeline.config import Settings

log = logging.getLogger(__name__)

# A webhook that does not answer within this many seconds is given up on.
WEBHOOK_TIMEOUT_S = 10.0


def alert_payload(context: Mapping[str, Any]) -> dict[str, Any]:
    """The facts of a failure, from an Airflow task context (missing keys are tolerated)."""
    ti = context.get("task_instance") or context.get("ti")
    dag_id = getattr(ti, "dag_id", None) or getattr(context.get("dag"), "dag_id", None)
    task_id = getattr(ti, "task_id", None)
    map_index = getattr(ti, "map_index", -1)
    rendered = getattr(ti, "rendered_map_index", None)
    exception = context.get("exception")
    payload = {
        "dag_id": dag_id,
        "task_id": task_id,
        "map_index": map_index,
        "feed": rendered,
        "run_id": context.get("run_id") or getattr(ti, "run_id", None),
        "try_number": getattr(ti, "try_number", None),
        "error_class": type(exception).__name__ if exception else None,
        "error": str(exception)[:1000] if exception else None,
        "log_url": getattr(ti, "log_url", None),
    }
    where = f"{dag_id}.{task_id}" + (
        f"[{rendered or map_index}]" if map_index not in (-1, None) else ""
    )
    payload["text"] = f"News archive: {where} failed in {payload['run_id']}: " + (
        f"{payload['error_class']}: {payload['error']}" if exception else "no exception recorded"
    )
    return payload


def post_webhook(
    url: str, payload: Mapping[str, Any], timeout_s: float = WEBHOOK_TIMEOUT_S
) -> bool:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310
            return 200 <= response.status < 300
    except Exception as exc:  # noqa: BLE001 - an alert must never raise
        log.warning("alert webhook failed: %s", exc)
        return False


def on_failure(context: Mapping[str, Any]) -> None:
    """Airflow ``on_failure_callback``: log the failure; post it when NEWS_ALERT_WEBHOOK is set."""
    payload = alert_payload(context)
    log.error("%s", payload["text"])
    try:
        url = Settings.from_env().alert_webhook
    except ValueError as exc:  # another NEWS_* variable is malformed: the alert still logs
        log.warning("alert webhook not read: %s", exc)
        return
    if url:
        post_webhook(url, payload)


def feed_state_alert(settings: Settings, change: Any) -> None:
    """A feed entered an operators' state ("silent", "failing", "disabled", "rate_limited"):
    logged as a warning, and posted to NEWS_ALERT_WEBHOOK when set. The one place feed-state
    alerts leave from (``pipeline.flows.feed_states``)."""
    text = (
        f"News archive: feed {change.outlet} {change.feed_url} is {change.state}"
        f" (was {change.previous or 'new'}): {change.reason}"
    )
    log.warning("%s", text)
    if settings.alert_webhook:
        payload = {
            "text": text,
            "feed": change.feed_url,
            "outlet": change.outlet,
            "state": change.state,
            "previous": change.previous,
            "reason": change.reason,
            "since": change.since.isoformat(),
        }
        post_webhook(settings.alert_webhook, payload)
