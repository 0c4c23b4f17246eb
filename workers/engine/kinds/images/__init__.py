"""Images: the kind of the digits, shapes and textures datasets."""
