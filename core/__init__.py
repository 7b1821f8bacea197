"""IR Groups engine: readers, preprocessing, labels, datasets, CNN, training, explainers.

Never imports Qt."""
__version__ = "0.1.0"
