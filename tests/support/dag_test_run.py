"""Run ``news_ingest`` once with ``dag.test()`` and print the task instances as JSON.

Runs in a subprocess so that the test's Airflow home and environment stay isolated.
"""

from __future__ import annotations

import json
import sys

from airflow.dag_processing.dagbag import DagBag


def main() -> None:
    dag = DagBag(dag_folder=sys.argv[1]).dags["news_ingest"]
    run = dag.test()
    instances = [
        {
            "task_id": ti.task_id,
            "map_index": ti.map_index,
            "name": ti.rendered_map_index,
            "state": str(ti.state),
        }
        for ti in run.get_task_instances()
    ]
    print("RESULT " + json.dumps({"state": str(run.state), "instances": instances}))


if __name__ == "__main__":
    main()
