"""Device contexts. The engine runs on the CPU only; ``cpu()`` keeps MXNet code running."""


class Context:
    """A compute device (always the CPU here)."""

    def __init__(self, device_type: str = "cpu", device_id: int = 0) -> None:
        self.device_type = device_type
        self.device_id = device_id

    def __repr__(self) -> str:
        return f"{self.device_type}({self.device_id})"

    __str__ = __repr__

    def __eq__(self, other) -> bool:
        return isinstance(other, Context) and (self.device_type, self.device_id) == (
            other.device_type,
            other.device_id,
        )

    def __hash__(self) -> int:
        return hash((self.device_type, self.device_id))

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None


def cpu(device_id: int = 0) -> Context:
    return Context("cpu", device_id)


def cpu_pinned(device_id: int = 0) -> Context:
    return Context("cpu", device_id)


def gpu(device_id: int = 0) -> Context:
    """GPUs are not supported; the CPU stands in so scripts still run."""
    return Context("cpu", device_id)


def num_gpus() -> int:
    return 0


def current_context() -> Context:
    return cpu()
