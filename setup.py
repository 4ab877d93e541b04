"""Packages for setuptools: the w65tool tree, plus the top-level asm/ folder of include files,
installed as w65tool/include so `.include "w65c265.inc"` works from any directory."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["w65tool", "w65tool.*"]), "w65tool.include"],
    package_dir={"w65tool.include": "asm"},
)
