"""科转助手 (KeZhuan): retrieval-augmented assistant for university technology transfer."""

__version__ = "0.1.0"
__all__ = ["__version__"]
