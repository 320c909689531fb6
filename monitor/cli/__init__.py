"""The command line: parses arguments, runs one command, maps errors to exit codes."""
