"""``python -m kith`` runs the CLI."""

from kith.cli import main

main()
