"""``Embedding``: integer indices to learned dense vectors (Gluon 1.x)."""

from __future__ import annotations

from ...ops import embedding as _embedding_ops
from ..block import HybridBlock

__all__ = ["Embedding"]


class Embedding(HybridBlock):
    """Maps each index in ``0 .. input_dim-1`` to a row of ``weight`` ``(input_dim, output_dim)``.

    Input of shape ``(d1, ..., dk)`` gives output ``(d1, ..., dk, output_dim)``.
    ``sparse_grad`` is accepted for compatibility; gradients are dense. An
    index outside the vocabulary raises ``IndexError`` (MXNet clips it).
    """

    def __init__(
        self,
        input_dim,
        output_dim,
        dtype="float32",
        weight_initializer=None,
        sparse_grad=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        grad_stype = "row_sparse" if sparse_grad else "default"
        self._kwargs = {
            "input_dim": input_dim,
            "output_dim": output_dim,
            "dtype": dtype,
            "sparse_grad": sparse_grad,
        }
        self.weight = self.params.get(
            "weight",
            shape=(input_dim, output_dim),
            init=weight_initializer,
            dtype=dtype,
            allow_deferred_init=True,
            grad_stype=grad_stype,
        )

    def forward(self, x):
        return _embedding_ops.embedding(x, self.weight.data(), **self._kwargs)

    def __repr__(self) -> str:
        s = "{block_name}({input_dim} -> {output_dim}, {dtype})"
        return s.format(block_name=self.__class__.__name__, **self._kwargs)
