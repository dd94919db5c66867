"""`pwe` subcommands, one module per area, each registered by one import at the end of pwe/cli.py."""
