"""Adapters that put linkscreen inside a messenger client.

Each adapter is optional: it is installed with its extra (``pip install 'linkscreen[matrix]'``)
and imports its client library only when used, so ``import linkscreen`` never loads one.
"""
