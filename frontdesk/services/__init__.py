"""Use cases, one module each. Every service takes a ``UnitOfWork`` and plain inputs."""
