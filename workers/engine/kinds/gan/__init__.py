"""GANs on 2-D distributions, in the manner of GAN Lab."""
