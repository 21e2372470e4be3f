"""The chat layer: routing a turn to a workflow, follow-up rewriting, one reply adapter per workflow."""
