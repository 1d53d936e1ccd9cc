"""Sync tests. A package, so that this folder's conftest does not shadow tests/conftest.py
for `from conftest import ...` in the test modules beside it."""
