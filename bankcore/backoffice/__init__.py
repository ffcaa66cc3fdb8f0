"""bankcore's composition layer: what spans the apps and so sits above all of them.

Platform operations (run-time settings, the database's identity, silk's recordings), the
back office's pages and tools that are no one app's, the cross-app business gauges of
/metrics, demo and load seeding, and the tests that drive the whole. The kernel (the rest of
the bankcore package) imports none of it; the import contracts in pyproject.toml hold both.
``bankcore/management/commands`` and ``bankcore/urls.py`` wire it in.
"""
