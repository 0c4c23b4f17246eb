"""Sequences: the kind of the token and value sequence tasks."""
