"""Mismatch between an exported policy's metadata and the model or data it is run with."""


class PolicyMetadataError(ValueError):
    """The metadata names a joint the MJCF lacks, an observation term we cannot rebuild, a size that does
    not match the ONNX graph, an unknown format version, ...: the message says which and what was expected."""
