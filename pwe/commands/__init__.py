"""Commands of the `pwe` command line that live in modules of their own; each registers itself on
`pwe.cli.main` when pwe.cli imports it."""
