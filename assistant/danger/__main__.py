"""`python -m assistant.danger [XX]`: print the resources even when the settings file cannot be read."""

import sys

from assistant.cli.safety_cmds import print_resources

print_resources(sys.argv[1] if len(sys.argv) > 1 else "US")
