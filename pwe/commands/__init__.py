"""`pwe` commands defined outside pwe.cli, each module registering its commands on `main`."""
