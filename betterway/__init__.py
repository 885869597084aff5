"""The site: settings, root URLs (the one place that wires the apps together), the
custom User, the home page and health check, middleware, Markdown rendering,
feeds' shared parts and text hygiene. ``betterway.dev`` holds development tooling.
"""
