"""Autoencoders: the kind of the ae-digits and ae-shapes datasets (networks that map images to copies of themselves)."""
