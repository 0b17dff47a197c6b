"""The main path: what the DAGs and the CLI call. Flows call stages and storage; no stage
imports a flow."""
