"""Build hook for the C core: pyproject.toml holds the metadata; cffi needs setup() to build."""

from setuptools import setup

setup(cffi_modules=["native/build_native.py:ffibuilder"])
