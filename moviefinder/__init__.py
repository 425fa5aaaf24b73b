"""moviefinder: what should I watch tonight?"""

__version__ = "0.1.0"
