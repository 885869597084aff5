"""Development tooling: the local database server, the demo network, scale data and
the benchmark, with their commands. Product code never imports this package;
settings may, to start the local server when no DATABASE_URL is given.
"""
