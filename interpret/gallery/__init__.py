"""Where results land: PNG + JSON sidecar written atomically, and the index.html over them.

``store`` writes artifacts, ``html`` builds and serves the index, ``sheet`` pairs a
figure with its numbers, ``style`` and ``plots`` are the one plotting style. No
TensorFlow here.

May import: ``interpret.core.errors``, ``interpret._version``. Nothing else of the package.
"""
