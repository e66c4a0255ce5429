def pytest_configure(config):
    config.addinivalue_line(
        "markers", "crash: SIGKILL at every kill point, then a plain re-run (make test-crash)"
    )
