"""`pwe` subcommands by area, each module adding its commands to pwe.cli.main."""
