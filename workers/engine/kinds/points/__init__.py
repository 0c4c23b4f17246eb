"""2-D points: the kind of the TensorFlow Playground datasets."""
