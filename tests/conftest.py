"""Test setup shared by the whole suite."""


def pytest_configure(config):
    # The w65 pytest plugin (fixtures sxb, mensch, w65_board) registers itself through its
    # entry point when the package is installed; from a plain checkout, load it here.
    manager = config.pluginmanager
    if not (manager.has_plugin("w65") or manager.has_plugin("w65tool.pytest_plugin")):
        manager.import_plugin("w65tool.pytest_plugin")
