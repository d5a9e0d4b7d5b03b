"""Qt views of the explorer: one per model object (tensor view, block tree, ...)."""
