"""Questions in plain text and /tim: answers cited from the directives, small talk, an officer's own reporting."""
